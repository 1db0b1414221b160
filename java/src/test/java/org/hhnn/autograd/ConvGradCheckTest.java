package org.hhnn.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The convolution-side reference ops (conv2d = im2col + gemm + swapAxes + channel bias, max / avg pooling, batch norm in
 * training mode, channel concat / split) against float64 central differences (GradCheck), plus a small composed CNN.
 * Run: mvn -B -o test -pl java -Dtest=ConvGradCheckTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ConvGradCheckTest {
    static final double TOL = 1e-6;

    final long seed = org.hhnn.TestSeeds.fresh();
    // Not new Random(seed): GradCheck draws its loss weights R from that stream, and data drawn from it too would make
    // R an affine function of the first input, a degenerate case where batch norm's x-gradient is pure cancellation.
    final Random rng = new Random(seed ^ 0x5DEECE66DL);

    double[] rnd(int n) { return GradCheck.random(rng, n, -2, 2); }

    /** Distinct values ≥ 0.01 apart (shuffled), so that a ±1e-6 step never changes a max pool's winner. */
    double[] distinct(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2.0) * 0.05;
        for (int i = n - 1; i > 0; i--) { int j = rng.nextInt(i + 1); double t = v[i]; v[i] = v[j]; v[j] = t; }
        return v;
    }

    void check(String what, Function<List<Tensor>, Tensor> f, List<double[]> data, List<int[]> shapes) {
        double err = GradCheck.maxRelError(f, seed, data, shapes);
        assertTrue(err <= TOL, what + ": relative gradient error " + err + " > " + TOL + " (seed " + seed + ")");
    }

    @Test void conv2dSamePaddingWithBias() {
        check("conv2d 3x3 pad 1", in -> Ops.conv2d(in.get(0), in.get(1), in.get(2), 1, 1),
                List.of(rnd(2 * 2 * 5 * 4), rnd(3 * 2 * 3 * 3), rnd(3)),
                List.of(new int[] {2, 2, 5, 4}, new int[] {3, 2, 3, 3}, new int[] {3}));
    }

    @Test void conv2dRectangularKernelStride2NoBias() {
        check("conv2d 3x2 stride 2", in -> Ops.conv2d(in.get(0), in.get(1), null, 2, 0),
                List.of(rnd(2 * 3 * 7 * 6), rnd(2 * 3 * 3 * 2)), List.of(new int[] {2, 3, 7, 6}, new int[] {2, 3, 3, 2}));
    }

    @Test void maxPool() {
        check("maxPool2d 2x2 stride 2", in -> Ops.maxPool2d(in.get(0), 2, 2, 0), List.of(distinct(2 * 2 * 5 * 5)),
                List.of(new int[] {2, 2, 5, 5}));
        check("maxPool2d 3x3 stride 1 pad 1 (overlapping)", in -> Ops.maxPool2d(in.get(0), 3, 1, 1), List.of(distinct(1 * 2 * 4 * 5)),
                List.of(new int[] {1, 2, 4, 5}));
    }

    @Test void avgPool() {
        check("avgPool2d 3x2 pad 1", in -> Ops.avgPool2d(in.get(0), 3, 2, 1, 1), List.of(rnd(2 * 3 * 5 * 4)), List.of(new int[] {2, 3, 5, 4}));
        check("avgPool2d global", in -> Ops.avgPool2d(in.get(0), 4, 3, 1, 0), List.of(rnd(2 * 3 * 4 * 3)), List.of(new int[] {2, 3, 4, 3}));
    }

    @Test void batchNormTraining() {
        Tensor runMean = GradCheck.tensor(new double[2], 2), runVar = GradCheck.tensor(new double[] {1, 1}, 2);
        check("batchNorm", in -> Ops.batchNorm(in.get(0), in.get(1), in.get(2), runMean, runVar, true, 0.1f, 1e-5f),
                List.of(rnd(3 * 2 * 2 * 3), rnd(2), rnd(2)), List.of(new int[] {3, 2, 2, 3}, new int[] {2}, new int[] {2}));
    }

    @Test void concatAndSplitChannels() {
        check("concatChannels", in -> Ops.concatChannels(in.get(0), in.get(1)), List.of(rnd(2 * 3 * 4), rnd(2 * 1 * 4)),
                List.of(new int[] {2, 3, 2, 2}, new int[] {2, 1, 2, 2}));
        check("splitChannels (second part only)", in -> Ops.splitChannels(in.get(0), 3)[1], List.of(rnd(2 * 4 * 3)),
                List.of(new int[] {2, 4, 3}));
        check("splitChannels (both parts)", in -> {
            Tensor[] p = Ops.splitChannels(in.get(0), 1);
            return Ops.concatChannels(Ops.tanh(p[1]), p[0]);
        }, List.of(rnd(2 * 4 * 3)), List.of(new int[] {2, 4, 3}));
    }

    @Test void composedCnn() {
        // No conv bias before the batch norm: its gradient is exactly 0 (the norm removes the mean), a relative check of 0.
        Tensor runMean = GradCheck.tensor(new double[3], 3), runVar = GradCheck.tensor(new double[] {1, 1, 1}, 3);
        check("conv → batchNorm → tanh → concat → avgPool → conv", in -> {
            Tensor h = Ops.conv2d(in.get(0), in.get(1), null, 1, 1);
            h = Ops.tanh(Ops.batchNorm(h, in.get(2), in.get(3), runMean, runVar, true, 0.1f, 1e-5f));
            h = Ops.avgPool2d(Ops.concatChannels(h, in.get(0)), 2, 2, 2, 0);
            return Ops.conv2d(h, in.get(4), in.get(5), 1, 0);
        }, List.of(rnd(2 * 1 * 4 * 4), rnd(3 * 1 * 3 * 3), rnd(3), rnd(3), rnd(2 * 4 * 1 * 1), rnd(2)),
                List.of(new int[] {2, 1, 4, 4}, new int[] {3, 1, 3, 3}, new int[] {3}, new int[] {3}, new int[] {2, 4, 1, 1}, new int[] {2}));
    }
}
