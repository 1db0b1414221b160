package org.hhnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Legendre activation module in both forms: gradients against central differences, identity start. */
class LegendreActivationTest {
    final long seed = org.hhnn.TestSeeds.fresh();

    @Test void perNeuronAndDenseGradients() {
        ReferenceBackend f64 = ReferenceBackend.f64();
        Tensor x = HHLayerTest.input(3, 5, seed);
        for (int dense : new int[] {0, 4}) {
            LegendreActivation a = new LegendreActivation(f64, 5, 4, dense, new SplittableRandom(seed));
            double err = HHLayerTest.gradError(a, x, seed);
            assertTrue(err < 1e-6, "Legendre activation (dense=" + dense + ") gradient error " + err + " (seed " + seed + ")");
        }
    }

    @Test void startsNearTheIdentityInsideTheInterval() {
        ReferenceBackend be = ReferenceBackend.get();
        LegendreActivation a = new LegendreActivation(be, 2, 3, new SplittableRandom(1));
        try (Scope s = Scope.open()) {
            float[] y = a.forward(Tensor.of(be, new float[] {-0.5f, 0.25f}, 1, 2)).toArray();
            assertArrayEquals(new float[] {-0.5f, 0.25f}, y, 0.25f);
        }
    }
}
