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
 * The part-B reference ops (ReferenceModulated through ModActFn, LstmCellFn, LstmSequenceFn, EmbeddingFn) against
 * float64 central differences ({@link GradCheck}): the modulated activation for every (act, σ_m) pair in the three
 * layouts, the LSTM cell of each variant with a padded row, a whole masked sequence of variable lengths across several
 * steps (gradients to the input projections and to W_hh), and the embedding's scatter-add with repeated ids.
 * Run: mvn -B -o test -pl java -Dtest=ModulatedGradCheckTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ModulatedGradCheckTest {
    static final double TOL = 1e-6;
    static final UnaryOp[] OPS = {UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.TANHSHRINK};

    final long seed = org.hhnn.TestSeeds.fresh();
    final Random rng = new Random(seed);

    double[] rnd(int n) { return GradCheck.random(rng, n, -2, 2); }

    /** Away from 0, where relu (of v, or of s·v) has its kink. */
    double[] rndNoZero(int n) {
        double[] x = rnd(n);
        for (int i = 0; i < n; i++) if (Math.abs(x[i]) < 0.05) x[i] = 0.5;
        return x;
    }

    void check(String what, Function<List<Tensor>, Tensor> f, List<double[]> data, List<int[]> shapes) {
        double err = GradCheck.maxRelError(f, seed, data, shapes);
        assertTrue(err <= TOL, what + ": relative gradient error " + err + " > " + TOL + " (seed " + seed + ")");
    }

    @Test void modulatedActivationEveryPairAndLayout() {
        int[][][] layouts = {   // {v shape, u shape}
            {{3, 5}, {3, 1}},            // dense layer-wide
            {{2, 3, 2, 2}, {2, 1, 2, 2}},   // conv per position
            {{2, 4}, {2, 4}},            // per node
        };
        for (UnaryOp act : OPS)
            for (UnaryOp mod : OPS)
                for (int[][] l : layouts) {
                    int nv = size(l[0]), nu = size(l[1]);
                    check("modAct act=" + act + " mod=" + mod + " v" + java.util.Arrays.toString(l[0]),
                            in -> Ops.modAct(act, mod, in.get(0), in.get(1)),
                            List.of(rndNoZero(nv), rndNoZero(nu)), List.of(l[0], l[1]));
                }
    }

    static int size(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    @ParameterizedTest @EnumSource(LstmCell.class)
    void lstmCellWithAPaddedRow(LstmCell cell) {
        int b = 3, h = 4;
        for (UnaryOp mod : cell == LstmCell.MODULATED ? OPS : new UnaryOp[] {null}) {
            double[] mask = {1, 0, 1};   // row 1 is padding at this step: c, h carry over
            // c and h both feed the loss, with different weights, so each path's gradient is checked
            check("lstmCell " + cell + " mod=" + mod, in -> {
                Tensor[] ch = Ops.lstmCell(cell, mod, in.get(0), in.get(1), in.get(2), GradCheck.tensor(mask, b));
                return Ops.add(Ops.scale(ch[0], 0.7f), ch[1]);
            }, List.of(mod == UnaryOp.RELU ? rndNoZero(b * cell.gates() * h) : rnd(b * cell.gates() * h), rnd(b * h), rnd(b * h)),
                    List.of(new int[] {b, cell.gates() * h}, new int[] {b, h}, new int[] {b, h}));
        }
    }

    @ParameterizedTest @EnumSource(LstmCell.class)
    void lstmSequenceOfVariableLengths(LstmCell cell) {
        int steps = 4, b = 3, h = 3, gh = cell.gates() * h;
        int[] lengths = {4, 2, 1};
        float[] mask = new float[steps * b];
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < b; r++) mask[t * b + r] = t < lengths[r] ? 1f : 0f;
        UnaryOp mod = cell == LstmCell.MODULATED ? UnaryOp.SIGMOID : null;
        check("lstmSequence " + cell + " lengths 4, 2, 1", in -> Ops.lstmSequence(cell, mod, in.get(0), in.get(1), mask, steps),
                List.of(rnd(steps * b * gh), GradCheck.random(rng, gh * h, -0.8, 0.8)),
                List.of(new int[] {steps * b, gh}, new int[] {gh, h}));
        check("lstmSequence " + cell + " unmasked", in -> Ops.lstmSequence(cell, mod, in.get(0), in.get(1), null, steps),
                List.of(rnd(steps * b * gh), GradCheck.random(rng, gh * h, -0.8, 0.8)),
                List.of(new int[] {steps * b, gh}, new int[] {gh, h}));
    }

    @Test void lstmSequenceWithTanhshrinkModulator() {
        int steps = 3, b = 2, h = 2, gh = 5 * h;
        float[] mask = {1, 1, 1, 0, 1, 0};
        check("lstmSequence modulated tanhshrink", in -> Ops.lstmSequence(LstmCell.MODULATED, UnaryOp.TANHSHRINK, in.get(0), in.get(1), mask, steps),
                List.of(rnd(steps * b * gh), rnd(gh * h)), List.of(new int[] {steps * b, gh}, new int[] {gh, h}));
    }

    @Test void embeddingWithRepeatedIds() {
        int[] ids = {2, 0, 2, 4, 2, 1};
        check("embedding", in -> Ops.embedding(in.get(0), ids), List.of(rnd(5 * 3)), List.of(new int[] {5, 3}));
    }

    /** Negative control: a deliberately wrong modulation (σ_m applied twice in the function checked) must fail. */
    @Test void negativeControlFails() {
        double err = GradCheck.maxRelError(in -> {
            Tensor v = in.get(0), u = in.get(1);
            Tensor out = Ops.modAct(UnaryOp.TANH, UnaryOp.SIGMOID, v, u);
            // perturb the forward behind the tape's back: the recorded backward no longer matches the values
            try (GradMode g = GradMode.noGrad()) {
                Tensor shifted = Ops.modAct(UnaryOp.TANH, UnaryOp.SIGMOID, Ops.scale(v, 1.1f), u);
                out.backend().copy(shifted.buffer(), 0, out.buffer(), 0, out.size());
            }
            return out;
        }, seed, List.of(rnd(6), rnd(2)), List.of(new int[] {2, 3}, new int[] {2, 1}));
        assertTrue(err > 1e-3, "the checker should have caught a wrong gradient, error " + err);
    }
}
