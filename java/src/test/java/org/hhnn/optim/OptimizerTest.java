package org.hhnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Optimizer updates against values computed by hand from the published update rules. */
class OptimizerTest {
    final ReferenceBackend be = ReferenceBackend.get();

    Tensor param(float v, float g) {
        Tensor p = Tensor.persistentOf(be, new float[] {v}, 1).setRequiresGrad(true);
        p.setGrad(Tensor.persistentOf(be, new float[] {g}, 1));
        return p;
    }

    @Test void sgdMomentumTwoSteps() {
        Tensor p = param(1f, 0.5f);
        Optimizer o = new Sgd(Map.of("p", p), 0.1f, 0.9f, false);
        o.step(); // v = 0.5, p = 1 - 0.05 = 0.95
        assertEquals(0.95f, p.item(), 1e-7);
        o.step(); // v = 0.9*0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855
        assertEquals(0.855f, p.item(), 1e-6);
    }

    @Test void sgdWeightDecayAndKerasDecay() {
        Tensor p = param(2f, 0f);
        Optimizer o = new Sgd(Map.of("p", p), 0.1f, 0f, false).weightDecay(0.5f).decay(1f);
        o.step(); // g = 0 + 0.5*2 = 1; lr = 0.1/(1+0) -> p = 1.9
        assertEquals(1.9f, p.item(), 1e-6);
        o.step(); // g = 0.95; lr = 0.1/(1+1) = 0.05 -> p = 1.9 - 0.0475 = 1.8525
        assertEquals(1.8525f, p.item(), 1e-6);
    }

    @Test void adamFirstStepMovesByLrTimesSign() {
        Tensor p = param(1f, -3f);
        new Adam(Map.of("p", p), 0.01f, 0.9f, 0.999f, 1e-8f, false).step();
        // mhat = g, vhat = g^2 -> p -= lr * g / (|g| + eps) = p + 0.01
        assertEquals(1.01f, p.item(), 1e-6);
    }

    @Test void adamWDecouplesWeightDecay() {
        Tensor p = param(1f, 2f);
        new Adam(Map.of("p", p), 0.1f, 0.9f, 0.999f, 1e-8f, true).weightDecay(0.5f).step();
        // p = 1 - 0.1*0.5*1 = 0.95, then - 0.1 * sign(2) = 0.85
        assertEquals(0.85f, p.item(), 1e-6);
    }

    @Test void stepScheduleAndClipping() {
        LrSchedule s = LrSchedule.steps(0.1, 0.5, 0.8);
        assertEquals(1.0, s.factor(0.49), 1e-12);
        assertEquals(0.1, s.factor(0.5), 1e-12);
        assertEquals(0.01, s.factor(0.9), 1e-12);
        Tensor a = param(0f, 3f), b = param(0f, 4f); // global norm 5
        double n = GradClip.clipGlobalNorm(java.util.List.of(a, b), 1.0);
        assertEquals(5.0, n, 1e-6);
        assertEquals(0.6f, a.grad().item(), 1e-5);
        assertEquals(0.8f, b.grad().item(), 1e-5);
    }
}
