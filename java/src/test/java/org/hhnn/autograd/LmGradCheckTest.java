package org.hhnn.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The language models' reference ops against float64 central differences ({@link GradCheck}): the LSTM recurrence from
 * a carried (non-zero, constant) start state with every step's output and the end state as outputs (the stacked layers
 * and truncated BPTT: the start state's W_hh term reaches dW_hh), and the row narrowing the TAR term reads. A deliberately
 * wrong backward must fail (negative control).
 * Run: mvn -B -o test -pl java -Dtest=LmGradCheckTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LmGradCheckTest {
    static final double TOL = 1e-6;
    final long seed = org.hhnn.TestSeeds.fresh();
    final Random rng = new Random(seed);

    double[] rnd(int n) { return GradCheck.random(rng, n, -2, 2); }

    void check(String what, Function<List<Tensor>, Tensor> f, List<double[]> data, List<int[]> shapes) {
        GradCheck.assertWithin(TOL, what, f, seed, data, shapes);
    }

    @ParameterizedTest @EnumSource(LstmCell.class)
    void lstmLayerFromACarriedState(LstmCell cell) {
        int steps = 3, b = 2, h = 3, gh = cell.gates() * h;
        UnaryOp mod = cell == LstmCell.MODULATED ? UnaryOp.SIGMOID : null;
        double[] h0 = GradCheck.random(rng, b * h, -0.9, 0.9), c0 = rnd(b * h);
        List<double[]> data = List.of(rnd(steps * b * gh), GradCheck.random(rng, gh * h, -0.8, 0.8));
        List<int[]> shapes = List.of(new int[] {steps * b, gh}, new int[] {gh, h});
        for (int k = 0; k < 3; k++) {
            int out = k;
            check("lstmLayer " + cell + " output " + k, in -> Ops.lstmLayer(cell, mod, in.get(0), in.get(1),
                    GradCheck.tensor(h0, b, h), GradCheck.tensor(c0, b, h), null, steps)[out], data, shapes);
        }
        // Several outputs at once (every h feeds a next layer, h_T and c_T a later window): their gradients add up.
        check("lstmLayer " + cell + " all outputs", in -> {
            Tensor[] o = Ops.lstmLayer(cell, mod, in.get(0), in.get(1), GradCheck.tensor(h0, b, h), GradCheck.tensor(c0, b, h), null, steps);
            return Ops.add(Ops.add(Ops.narrowRows(o[0], (steps - 1) * b, b), Ops.scale(o[1], 0.5f)), o[2]);
        }, data, shapes);
    }

    @Test void lstmLayerFromZeroStateWithPadding() {
        int steps = 3, b = 2, h = 2, gh = 4 * h;
        float[] mask = {1, 1, 1, 0, 1, 0};
        check("lstmLayer zero start, masked", in -> Ops.lstmLayer(LstmCell.VANILLA, null, in.get(0), in.get(1), null, null, mask, steps)[0],
                List.of(rnd(steps * b * gh), rnd(gh * h)), List.of(new int[] {steps * b, gh}, new int[] {gh, h}));
    }

    @Test void narrowRows() {
        check("narrowRows", in -> Ops.narrowRows(in.get(0), 1, 2), List.of(rnd(4 * 3)), List.of(new int[] {4, 3}));
    }

    /** Negative control: a forward changed behind the tape's back (the start state's W_hh term dropped) must fail. */
    @Test void negativeControlFails() {
        int steps = 2, b = 1, h = 2, gh = 4 * h;
        double[] h0 = {0.7, -0.5}, c0 = {0.3, 0.2};
        double err = GradCheck.maxRelError(in -> {
            Tensor[] o = Ops.lstmLayer(LstmCell.VANILLA, null, in.get(0), in.get(1), GradCheck.tensor(h0, b, h), GradCheck.tensor(c0, b, h), null, steps);
            try (GradMode g = GradMode.noGrad()) {   // the value from a zero start: the recorded backward no longer matches
                Tensor z = Ops.lstmLayer(LstmCell.VANILLA, null, in.get(0), in.get(1), null, null, null, steps)[0];
                o[0].backend().copy(z.buffer(), 0, o[0].buffer(), 0, z.size());
            }
            return o[0];
        }, seed, List.of(rnd(steps * b * gh), rnd(gh * h)), List.of(new int[] {steps * b, gh}, new int[] {gh, h}));
        assertTrue(err > 1e-3, "the checker should have caught a wrong gradient, error " + err);
    }
}
