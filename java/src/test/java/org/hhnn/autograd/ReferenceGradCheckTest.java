package org.hhnn.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every reference op's backward against float64 central differences, plus a negative control. */
class ReferenceGradCheckTest {
    static final double TOL = 1e-6; // float64 central differences with h = 1e-6 agree to ~1e-9 on smooth ops

    final long seed = org.hhnn.TestSeeds.fresh();
    final Random rng = new Random(seed);

    double[] rnd(int n) { return GradCheck.random(rng, n, -2, 2); }

    void check(String what, Function<List<Tensor>, Tensor> f, List<double[]> data, List<int[]> shapes) {
        double err = GradCheck.maxRelError(f, seed, data, shapes);
        assertTrue(err <= TOL, what + ": relative gradient error " + err + " > " + TOL + " (seed " + seed + ")");
    }

    @Test void linearWithBias() {
        check("linear", in -> Ops.linear(in.get(0), in.get(1), in.get(2)),
                List.of(rnd(3 * 5), rnd(4 * 5), rnd(4)), List.of(new int[] {3, 5}, new int[] {4, 5}, new int[] {4}));
    }

    @Test void linearWithoutBias() {
        check("linear (no bias)", in -> Ops.linear(in.get(0), in.get(1), null),
                List.of(rnd(2 * 7), rnd(3 * 7)), List.of(new int[] {2, 7}, new int[] {3, 7}));
    }

    @Test void matmul() {
        check("matmul", in -> Ops.matmul(in.get(0), in.get(1)),
                List.of(rnd(3 * 4), rnd(4 * 6)), List.of(new int[] {3, 4}, new int[] {4, 6}));
    }

    @ParameterizedTest @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        double[] x = op == UnaryOp.LOG ? GradCheck.random(rng, 12, 0.2, 3) : rnd(12);
        if (op == UnaryOp.RELU) // keep away from the kink at 0, where the derivative is undefined
            for (int i = 0; i < x.length; i++) if (Math.abs(x[i]) < 0.05) x[i] = 0.5;
        check(op.name(), in -> Ops.unary(op, in.get(0)), List.of(x), List.of(new int[] {3, 4}));
    }

    @Test void binaryOps() {
        int[] s = {2, 5};
        check("add", in -> Ops.add(in.get(0), in.get(1)), List.of(rnd(10), rnd(10)), List.of(s, s));
        check("sub", in -> Ops.sub(in.get(0), in.get(1)), List.of(rnd(10), rnd(10)), List.of(s, s));
        check("mul", in -> Ops.mul(in.get(0), in.get(1)), List.of(rnd(10), rnd(10)), List.of(s, s));
        check("mul (same tensor twice)", in -> Ops.mul(in.get(0), in.get(0)), List.of(rnd(10)), List.of(s));
        check("scale", in -> Ops.scale(in.get(0), -1.7f), List.of(rnd(10)), List.of(s));
    }

    @Test void reductions() {
        int[] s = {3, 4};
        check("sum", in -> Ops.sum(in.get(0)), List.of(rnd(12)), List.of(s));
        check("mean", in -> Ops.mean(in.get(0)), List.of(rnd(12)), List.of(s));
        check("sum axis 0", in -> Ops.sum(in.get(0), 0), List.of(rnd(12)), List.of(s));
        check("mean axis 1", in -> Ops.mean(in.get(0), 1), List.of(rnd(12)), List.of(s));
    }

    @Test void crossEntropy() {
        int[] labels = {2, 0, 3, 3, 1};
        check("cross-entropy", in -> Ops.crossEntropy(in.get(0), labels), List.of(rnd(5 * 4)), List.of(new int[] {5, 4}));
    }

    @Test void dropout() {
        long s = rng.nextLong();
        check("dropout", in -> Ops.dropout(in.get(0), 0.3f, s), List.of(rnd(40)), List.of(new int[] {4, 10}));
    }

    @Test void layerNorm() {
        check("layer norm", in -> Ops.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5f),
                List.of(rnd(3 * 6), rnd(6), rnd(6)), List.of(new int[] {3, 6}, new int[] {6}, new int[] {6}));
    }

    @Test void composedNetwork() {
        check("linear-tanh-linear-ce", in -> Ops.crossEntropy(
                        Ops.linear(Ops.tanh(Ops.linear(in.get(0), in.get(1), in.get(2))), in.get(3), null), new int[] {1, 0, 2}),
                List.of(rnd(3 * 4), rnd(5 * 4), rnd(5), rnd(3 * 5)),
                List.of(new int[] {3, 4}, new int[] {5, 4}, new int[] {5}, new int[] {3, 5}));
    }

    /** A deliberately wrong backward (1% too large) must be caught: proves the checker can fail. */
    @Test void negativeControlFails() {
        Function<List<Tensor>, Tensor> wrong = in -> {
            Tensor x = in.get(0);
            Tensor y = x.zerosLike();
            x.backend().unary(UnaryOp.TANH, x.buffer(), y.buffer(), x.size());
            org.hhnn.autograd.Function fn = dy -> {
                Tensor dx = x.zerosLike();
                x.backend().unaryBackward(UnaryOp.TANH, x.buffer(), y.buffer(), dy.buffer(), dx.buffer(), x.size());
                x.backend().axpby(1.01f, dx.buffer(), 0f, dx.buffer(), x.size());
                return new Tensor[] {dx};
            };
            return Tape.record(fn, y, x);
        };
        double err = GradCheck.maxRelError(wrong, seed, List.of(rnd(12)), List.of(new int[] {12}));
        assertTrue(err > TOL, "the checker missed a 1% error in a backward (error " + err + ")");
    }
}
