package org.hhnn.backend;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Every core primitive (memory, linear algebra, elementwise, reductions, losses, layer norm, optimizers) of one fast
 * backend against ReferenceBackend.get() on fresh random inputs (non-zero, mixed signs; the seed is printed in every
 * failure message), forward and backward. The metric is DESIGN.md's ||fast - ref||_2 / ||ref||_2 <= 1e-5; the only
 * other bounds are the float64 reductions, checked tighter. Shapes include 1, odd sizes, sizes above one CUDA block
 * (256) and above native/cpu_parallel.h's kParallelMin (32768), so partial blocks, grid-stride loops and both the
 * serial and the OpenMP paths run. Runners: cpu.CpuParityTest, cuda.CudaEmulatedParityTest (and its OnGpu).
 */
public abstract class CoreParityCases extends ParityFixture {

    private static final int[] SIZES = {1, 7, 33, 257, 40_001};
    // {250, 161} > 32768 elements; {2, 20000} and {20000, 3}: a few long sums (cuda reduces them across threads)
    private static final int[][] MATRICES = {{1, 1}, {7, 33}, {33, 7}, {257, 129}, {3, 300}, {250, 161}, {2, 20000}, {20000, 3}};

    protected CoreParityCases(ParityTarget target) { super(target); }

    private int[] labels(int rows, int cols) {
        int[] l = new int[rows];
        for (int i = 0; i < rows; i++) l[i] = rnd.nextInt(cols);
        return l;
    }

    /** Inputs in op's domain: positives for log, a wide range elsewhere plus large values for the saturating ops. */
    private float[] domain(UnaryOp op, int n) {
        float[] v = randn(n, 3);
        if (op == UnaryOp.LOG) for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]) + 1e-3f;
        // Saturated tails (some results are float denormals, exact only to an absolute 1.4e-45) go in
        // among ordinary values, never alone: alone, a one-denormal-ulp difference is a 2% "relative error".
        if (n >= 7 && (op == UnaryOp.SIGMOID || op == UnaryOp.SOFTPLUS || op == UnaryOp.TANH || op == UnaryOp.TANHSHRINK)) {
            float[] extremes = {-100f, -30f, 25f, 60f, 100f};
            for (int i = 0; i < Math.min(n, extremes.length); i++) v[n - 1 - i] = extremes[i];
        }
        return v;
    }

    // ---- memory -----------------------------------------------------------------------------

    @Test void uploadDownloadRoundTripIsExactAndAllocZeroFills() {
        for (int n : SIZES) {
            float[] v = randn(n, 1);
            assertArrayEquals(v, new Twin(v).fastOut(), tag("upload/download n=" + n));
        }
        Buffer b = alloc(1000);
        fast().fill(b, 3f, 1000);
        release(b);
        fast().free(b);
        Buffer again = alloc(1000);   // may reuse a cached block: must still come back zeroed
        assertArrayEquals(new float[1000], down(fast(), again, 1000), tag("alloc zero-fills"));
        assertEquals(0, alloc(0).length);
    }

    @Test void copyAndFill() {
        for (int n : SIZES) {
            Twin src = randTwin(n + 5), dst = randTwin(n + 9);
            fast().copy(src.f, 3, dst.f, 7, n);
            ref.copy(src.r, 3, dst.r, 7, n);
            assertArrayEquals(dst.refOut(), dst.fastOut(), tag("copy n=" + n));
            // Overlapping ranges of one buffer behave as System.arraycopy, in either direction.
            fast().copy(dst.f, 0, dst.f, 2, n);
            ref.copy(dst.r, 0, dst.r, 2, n);
            assertArrayEquals(dst.refOut(), dst.fastOut(), tag("overlapping copy n=" + n));
            fast().copy(dst.f, 2, dst.f, 0, n);
            ref.copy(dst.r, 2, dst.r, 0, n);
            assertArrayEquals(dst.refOut(), dst.fastOut(), tag("overlapping copy backwards n=" + n));
            fast().fill(dst.f, -2.5f, n);
            ref.fill(dst.r, -2.5f, n);
            assertArrayEquals(dst.refOut(), dst.fastOut(), tag("fill n=" + n));
        }
    }

    @Test void doubleFreeIsHarmlessAndForeignBuffersAreRefused() {
        Backend be = fast();
        Buffer b = be.alloc(100);
        be.free(b);
        be.free(b);
        assertTrue(b.isFreed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.fill(b, 1f, 1));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
        // A buffer of another backend is refused, not cast.
        Buffer foreign = ref.alloc(6), b6 = alloc(6);
        assertRejected("unary", () -> be.unary(UnaryOp.EXP, foreign, foreign, 6));
        assertRejected("unary", () -> be.unary(UnaryOp.EXP, foreign, b6, 6));
        assertThrows(IllegalArgumentException.class, () -> be.free(foreign));
    }

    @Test void hugeAllocationIsAnOutOfMemoryError() {
        Backend be = fast();
        assertThrows(OutOfMemoryError.class, () -> be.alloc(1L << 60));
    }

    // ---- linear algebra -----------------------------------------------------------------------

    @Test void gemm() { gemmSweep("gemm"); }

    @Test void gemmWithEmptyInnerDimension() { gemmWithEmptyInnerDimension("gemm"); }

    /** gemm on every shape, transposition and (alpha, beta); what names the path under test in the messages. */
    protected final void gemmSweep(String what) {
        gemmSweep(what, new int[][] {{1, 1, 1}, {7, 33, 5}, {33, 7, 257}, {1, 40, 3}, {64, 48, 96}, {257, 130, 70}});
    }

    /**
     * A few long dot products (m·n ≤ 8, k = 20000), which cuda's fallback gemm reduces across threads in float64
     * (DeviceReduce). Only for float64-accumulating gemms: a BLAS that accumulates in float (OpenBLAS, cuBLAS) is
     * 2e-5 off the reference at this k, which is rounding, not a defect.
     */
    protected final void gemmLongDotProducts(String what) {
        gemmSweep(what, new int[][] {{1, 1, 20000}, {2, 3, 20000}});
    }

    private void gemmSweep(String what, int[][] shapes) {
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 0f}, {-1.5f, 1f}, {2f, -0.25f}};
        for (int[] s : shapes)
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++)
                    for (float[] ab : alphaBeta) {
                        int m = s[0], n = s[1], k = s[2];
                        Twin a = randTwin(m * k), b = randTwin(k * n);
                        Twin c = ab[1] == 0f ? nanTwin(m * n) : randTwin(m * n);   // beta = 0 must ignore C, even NaN
                        fast().gemm(ta == 1, tb == 1, m, n, k, ab[0], a.f, b.f, ab[1], c.f);
                        ref.gemm(ta == 1, tb == 1, m, n, k, ab[0], a.r, b.r, ab[1], c.r);
                        check(String.format("%s m=%d n=%d k=%d transA=%b transB=%b alpha=%s beta=%s",
                                what, m, n, k, ta == 1, tb == 1, ab[0], ab[1]), c);
                    }
    }

    protected final void gemmWithEmptyInnerDimension(String what) {
        Twin c = randTwin(12), c0 = nanTwin(12), a = randTwin(1), b = randTwin(1);
        fast().gemm(false, false, 3, 4, 0, 1f, a.f, b.f, 0.5f, c.f);
        ref.gemm(false, false, 3, 4, 0, 1f, a.r, b.r, 0.5f, c.r);
        check(what + " k=0 beta=0.5", c);
        fast().gemm(false, true, 3, 4, 0, 1f, a.f, b.f, 0f, c0.f);
        ref.gemm(false, true, 3, 4, 0, 1f, a.r, b.r, 0f, c0.r);
        check(what + " k=0 beta=0", c0);
    }

    @Test void addBiasSumRowsSumCols() {
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            Twin x = randTwin(rows * cols), bias = randTwin(cols), y = nanTwin(rows * cols);
            fast().addBias(x.f, bias.f, y.f, rows, cols);
            ref.addBias(x.r, bias.r, y.r, rows, cols);
            check("addBias" + shape, y);
            fast().addBias(x.f, bias.f, x.f, rows, cols);   // y may alias x
            ref.addBias(x.r, bias.r, x.r, rows, cols);
            check("addBias in place" + shape, x);
            for (float beta : new float[] {0f, 0.5f}) {
                Twin sr = beta == 0f ? nanTwin(cols) : randTwin(cols);
                fast().sumRows(x.f, sr.f, rows, cols, beta);
                ref.sumRows(x.r, sr.r, rows, cols, beta);
                check("sumRows beta=" + beta + shape, sr);
                Twin sc = beta == 0f ? nanTwin(rows) : randTwin(rows);
                fast().sumCols(x.f, sc.f, rows, cols, beta);
                ref.sumCols(x.r, sc.r, rows, cols, beta);
                check("sumCols beta=" + beta + shape, sc);
            }
        }
    }

    // ---- elementwise ----------------------------------------------------------------------------

    @Test void unaryForward() {
        for (UnaryOp op : UnaryOp.values())
            for (int n : SIZES) {
                Twin x = new Twin(domain(op, n)), y = nanTwin(n);
                fast().unary(op, x.f, y.f, n);
                ref.unary(op, x.r, y.r, n);
                check("unary " + op + " n=" + n, y);
                fast().unary(op, x.f, x.f, n);   // y may alias x
                ref.unary(op, x.r, x.r, n);
                check("unary " + op + " in place n=" + n, x);
            }
    }

    @Test void unaryBackward() {
        for (UnaryOp op : UnaryOp.values())
            for (int n : SIZES) {
                float[] xv = domain(op, n);
                Twin x = new Twin(xv), y0 = new Twin(xv);
                ref.unary(op, x.r, y0.r, n);
                Twin y = new Twin(y0.refOut()), dy = randTwin(n), dx = nanTwin(n);   // both get the same y = f(x)
                fast().unaryBackward(op, x.f, y.f, dy.f, dx.f, n);
                ref.unaryBackward(op, x.r, y.r, dy.r, dx.r, n);
                check("unaryBackward " + op + " n=" + n, dx);
                fast().unaryBackward(op, x.f, y.f, dy.f, dy.f, n);   // dx may alias dy
                ref.unaryBackward(op, x.r, y.r, dy.r, dy.r, n);
                check("unaryBackward " + op + " in place n=" + n, dy);
            }
    }

    /**
     * x - tanh(x) cancels near 0, which the L2 metric would hide. Per element: below |x| = 0.5 the series in
     * kernels/activations.cuh keeps float precision (1e-6 allows ~16 ulp); above it the direct form loses
     * at most the cancellation factor x / (x - tanh x) <= 13 ulp-sized errors, hence 2e-6. Inputs stay above
     * |x| = 1e-3 because the reference itself computes x - tanh(x) in double and cancels below that
     * (at x = 1e-5 its result is already 6e-7 off in relative terms).
     */
    @Test void tanhshrinkIsAccurateElementwiseNearZero() {
        int n = 4001;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float t = (i - 2000) / 2000f * 1.5f;
            v[i] = Math.abs(t) < 1e-3f ? 1e-3f : t;
        }
        Twin x = new Twin(v), y = nanTwin(n);
        fast().unary(UnaryOp.TANHSHRINK, x.f, y.f, n);
        ref.unary(UnaryOp.TANHSHRINK, x.r, y.r, n);
        float[] c = y.fastOut(), r = y.refOut();
        for (int i = 0; i < n; i++) {
            double bound = (Math.abs(v[i]) < 0.5 ? 1e-6 : 2e-6) * Math.abs(r[i]);
            if (Math.abs(c[i] - r[i]) > bound) fail(tag("tanhshrink(" + v[i] + ") = " + c[i] + ", reference " + r[i]));
        }
    }

    @Test void binary() {
        for (BinaryOp op : BinaryOp.values())
            for (int n : SIZES) {
                Twin a = randTwin(n), b = randTwin(n), out = nanTwin(n);
                fast().binary(op, a.f, b.f, out.f, n);
                ref.binary(op, a.r, b.r, out.r, n);
                check("binary " + op + " n=" + n, out);
                fast().binary(op, a.f, b.f, a.f, n);   // out may alias a
                ref.binary(op, a.r, b.r, a.r, n);
                check("binary " + op + " out=a n=" + n, a);
                fast().binary(op, a.f, b.f, b.f, n);   // ... or b
                ref.binary(op, a.r, b.r, b.r, n);
                check("binary " + op + " out=b n=" + n, b);
            }
    }

    @Test void axpby() {
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0f}, {2f, 1f}, {0.3f, -1.7f}};
        for (int n : SIZES)
            for (float[] ab : alphaBeta) {
                Twin x = randTwin(n), y = ab[1] == 0f ? nanTwin(n) : randTwin(n);
                fast().axpby(ab[0], x.f, ab[1], y.f, n);
                ref.axpby(ab[0], x.r, ab[1], y.r, n);
                check("axpby alpha=" + ab[0] + " beta=" + ab[1] + " n=" + n, y);
            }
    }

    @Test void sumAndSumSquaresAreFloat64AndDeterministic() {
        // Both accumulate in float64 (the contract), so they agree far below 1e-5: checked at 1e-10.
        // 2,100,001 > LaunchConfig's single pass (8192 blocks x 256 threads): threads loop grid-stride, three stages.
        for (int n : new int[] {1, 7, 33, 257, 40_001, 1_000_003, 2_100_001}) {
            Twin x = randTwin(n);
            double s = fast().sumSquares(x.f, n), t = fast().sum(x.f, n);
            assertClose(tag("sumSquares n=" + n), s, ref.sumSquares(x.r, n), 1e-10);
            assertClose(tag("sum n=" + n), t, ref.sum(x.r, n), 1e-10);
            assertEquals(Double.doubleToLongBits(s), Double.doubleToLongBits(fast().sumSquares(x.f, n)), tag("sumSquares twice n=" + n));
            assertEquals(Double.doubleToLongBits(t), Double.doubleToLongBits(fast().sum(x.f, n)), tag("sum twice n=" + n));
        }
        Twin x = randTwin(10);
        assertEquals(0.0, fast().sum(x.f, 0));
    }

    // ---- losses and regularisation ------------------------------------------------------------

    /** The softmax cases' inputs: random logits and labels of one shape at one logit scale, and their tag. */
    private interface SoftmaxCase { void run(int rows, int cols, Twin logits, int[] labels, String shape); }

    /** Runs body for each shape (rows, cols) at logit scales 1 and 50 (50: logits far beyond exp's float range). */
    private void softmaxCases(int[][] shapes, SoftmaxCase body) {
        for (int[] s : shapes)
            for (double scale : new double[] {1, 50}) {
                int rows = s[0], cols = s[1];
                Twin logits = new Twin(randn(rows * cols, scale));
                body.run(rows, cols, logits, labels(rows, cols), " rows=" + rows + " cols=" + cols + " logit scale=" + scale);
            }
    }

    @Test void softmaxCrossEntropyForwardAndBackward() {
        softmaxCases(new int[][] {{1, 1}, {7, 10}, {33, 257}, {257, 7}, {200, 201}}, (rows, cols, logits, labels, shape) -> {
            Twin probs = nanTwin(rows * cols), loss = nanTwin(rows);
            fast().softmaxCrossEntropy(logits.f, labels, probs.f, loss.f, rows, cols);
            ref.softmaxCrossEntropy(logits.r, labels, probs.r, loss.r, rows, cols);
            check("softmaxCrossEntropy probs" + shape, probs);
            check("softmaxCrossEntropy loss" + shape, loss);
            Twin p = new Twin(probs.refOut()), d = nanTwin(rows * cols);
            float gradScale = 1f / rows;
            fast().softmaxCrossEntropyBackward(p.f, labels, gradScale, d.f, rows, cols);
            ref.softmaxCrossEntropyBackward(p.r, labels, gradScale, d.r, rows, cols);
            check("softmaxCrossEntropyBackward" + shape, d);
        });
    }

    @Test void softmaxCrossEntropyGradFused() {
        softmaxCases(new int[][] {{1, 1}, {7, 10}, {33, 257}, {20, 10000}, {200, 201}}, (rows, cols, logits, labels, shape) -> {
            Twin loss = nanTwin(rows), d = nanTwin(rows * cols);
            float gradScale = 1f / rows;
            fast().softmaxCrossEntropyGrad(logits.f, labels, gradScale, loss.f, d.f, rows, cols);
            ref.softmaxCrossEntropyGrad(logits.r, labels, gradScale, loss.r, d.r, rows, cols);
            check("softmaxCrossEntropyGrad loss" + shape, loss);
            check("softmaxCrossEntropyGrad dlogits" + shape, d);
            // in place: the logits replaced by their gradient
            fast().softmaxCrossEntropyGrad(logits.f, labels, gradScale, loss.f, logits.f, rows, cols);
            ref.softmaxCrossEntropyGrad(logits.r, labels, gradScale, loss.r, logits.r, rows, cols);
            check("softmaxCrossEntropyGrad in place" + shape, logits);
        });
    }

    @Test void badLabelsAreRejectedNamingTheRow() {
        int rows = 5, cols = 4;
        Twin logits = randTwin(rows * cols), probs = randTwin(rows * cols), loss = randTwin(rows);
        for (int bad : new int[] {cols, -1}) {
            int[] labels = {0, 1, 2, bad, 3};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fast().softmaxCrossEntropy(logits.f, labels, probs.f, loss.f, rows, cols));
            assertTrue(e.getMessage().contains("softmaxCrossEntropy") && e.getMessage().contains("row 3")
                    && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fast().softmaxCrossEntropy(logits.f, new int[] {0, 1}, probs.f, loss.f, rows, cols));
        assertTrue(e.getMessage().startsWith("softmaxCrossEntropy:") && e.getMessage().contains("labels"), e.getMessage());
    }

    @Test void dropoutMaskIsBitIdenticalToReference() {
        for (int n : SIZES)
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
                long dropSeed = rnd.nextLong();   // negative seeds too: Java's >>> must match uint64 >>
                Twin x = randTwin(n), mask = nanTwin(n), y = nanTwin(n);
                fast().dropout(x.f, mask.f, y.f, p, dropSeed, n);
                ref.dropout(x.r, mask.r, y.r, p, dropSeed, n);
                String what = tag("dropout n=" + n + " p=" + p + " dropSeed=" + dropSeed);
                assertArrayEquals(mask.refOut(), mask.fastOut(), what + " mask");
                assertArrayEquals(y.refOut(), y.fastOut(), what + " y");
            }
    }

    @Test void layerNormForwardAndBackward() {
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            float eps = 1e-5f;
            Twin x = new Twin(randn(rows * cols, 2)), gamma = randTwin(cols), beta = randTwin(cols);
            Twin y = nanTwin(rows * cols), mean = nanTwin(rows), rstd = nanTwin(rows);
            fast().layerNorm(x.f, gamma.f, beta.f, y.f, mean.f, rstd.f, rows, cols, eps);
            ref.layerNorm(x.r, gamma.r, beta.r, y.r, mean.r, rstd.r, rows, cols, eps);
            check("layerNorm y" + shape, y);
            check("layerNorm mean" + shape, mean);
            check("layerNorm rstd" + shape, rstd);
            // Backward from the reference's mean/rstd so both see identical inputs.
            Twin mu = new Twin(mean.refOut()), rs = new Twin(rstd.refOut()), dy = randTwin(rows * cols);
            Twin dx = nanTwin(rows * cols), dgamma = randTwin(cols), dbeta = randTwin(cols);   // accumulated into
            fast().layerNormBackward(x.f, gamma.f, mu.f, rs.f, dy.f, dx.f, dgamma.f, dbeta.f, rows, cols);
            ref.layerNormBackward(x.r, gamma.r, mu.r, rs.r, dy.r, dx.r, dgamma.r, dbeta.r, rows, cols);
            check("layerNormBackward dx" + shape, dx);
            check("layerNormBackward dgamma" + shape, dgamma);
            check("layerNormBackward dbeta" + shape, dbeta);
        }
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Test void sgdUpdate() {
        for (int n : SIZES)
            for (float momentum : new float[] {0f, 0.9f})
                for (boolean nesterov : new boolean[] {false, true})
                    for (float wd : new float[] {0f, 1e-2f}) {
                        String what = "sgdUpdate n=" + n + " momentum=" + momentum + " nesterov=" + nesterov + " wd=" + wd;
                        Twin p = randTwin(n), v = momentum == 0f ? null : new Twin(new float[n]);
                        for (int step = 1; step <= 3; step++) {
                            Twin g = randTwin(n);
                            fast().sgdUpdate(p.f, g.f, f(v), n, 0.05f, momentum, wd, nesterov);
                            ref.sgdUpdate(p.r, g.r, r(v), n, 0.05f, momentum, wd, nesterov);
                            check(what + " step " + step + " param", p);
                            if (v != null) check(what + " step " + step + " velocity", v);
                        }
                    }
    }

    @Test void adamUpdate() {
        for (int n : SIZES)
            for (boolean decoupled : new boolean[] {false, true})
                for (float wd : new float[] {0f, 1e-2f}) {
                    String what = "adamUpdate n=" + n + " decoupled=" + decoupled + " wd=" + wd;
                    Twin p = randTwin(n), m = new Twin(new float[n]), v = new Twin(new float[n]);
                    for (int step = 1; step <= 3; step++) {
                        Twin g = randTwin(n);
                        fast().adamUpdate(p.f, g.f, m.f, v.f, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        ref.adamUpdate(p.r, g.r, m.r, v.r, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        check(what + " step " + step + " param", p);
                        check(what + " step " + step + " m", m);
                        check(what + " step " + step + " v", v);
                    }
                }
    }

    // ---- validation ---------------------------------------------------------------------------

    @Test void shortBuffersAreRejectedNamingThePrimitive() {
        Backend be = fast();
        Buffer b6 = alloc(6), b5 = alloc(5), b2 = alloc(2);
        assertRejected("gemm", () -> be.gemm(false, false, 2, 3, 3, 1f, b6, b6, 0f, b5));
        assertRejected("gemm", () -> be.gemm(true, false, 2, 3, 4, 1f, b6, b6, 0f, b6));
        assertRejected("gemm", () -> be.gemm(false, false, -1, 3, 3, 1f, b6, b6, 0f, b6));
        assertRejected("addBias", () -> be.addBias(b6, b2, b6, 2, 3));
        assertRejected("sumRows", () -> be.sumRows(b6, b2, 2, 3, 0f));
        assertRejected("sumCols", () -> be.sumCols(b5, b2, 2, 3, 0f));
        assertRejected("unary", () -> be.unary(UnaryOp.RELU, b5, b6, 6));
        assertRejected("unaryBackward", () -> be.unaryBackward(UnaryOp.TANH, b6, b6, b6, b5, 6));
        assertRejected("binary", () -> be.binary(BinaryOp.ADD, b6, b5, b6, 6));
        assertRejected("axpby", () -> be.axpby(1f, b6, 1f, b5, 6));
        assertRejected("sumSquares", () -> be.sumSquares(b5, 6));
        assertRejected("sum", () -> be.sum(b5, 6));
        assertRejected("copy", () -> be.copy(b6, 2, b6, 0, 5));
        assertRejected("fill", () -> be.fill(b2, 0f, 3));
        assertRejected("upload", () -> be.upload(new float[7], b6));
        assertRejected("download", () -> be.download(b5, new float[6]));
        assertRejected("softmaxCrossEntropy", () -> be.softmaxCrossEntropy(b6, new int[2], b5, b2, 2, 3));
        assertRejected("softmaxCrossEntropyBackward", () -> be.softmaxCrossEntropyBackward(b6, new int[1], 1f, b6, 2, 3));
        assertRejected("dropout", () -> be.dropout(b6, b5, b6, 0.5f, 1L, 6));
        assertRejected("layerNorm", () -> be.layerNorm(b6, b2, b2, b6, b2, b2, 2, 3, 1e-5f));
        assertRejected("layerNormBackward", () -> be.layerNormBackward(b6, b6, b2, b2, b6, b5, b6, b6, 2, 3));
        assertRejected("sgdUpdate", () -> be.sgdUpdate(b6, b6, null, 6, 0.1f, 0.9f, 0f, false));
        assertRejected("adamUpdate", () -> be.adamUpdate(b6, b6, b6, b5, 6, 0.1f, 0.9f, 0.99f, 1e-8f, 0f, false, 1));
    }
}
