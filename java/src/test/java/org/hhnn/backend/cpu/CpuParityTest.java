package org.hhnn.backend.cpu;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.hhnn.backend.Backend;
import org.hhnn.backend.BinaryOp;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * Every Backend primitive of the cpu backend against ReferenceBackend.get() on fresh random inputs
 * (non-zero, mixed signs; the seed is printed in every failure message). The metric is DESIGN.md's
 * ||cpu - ref||_2 / ||ref||_2 <= 1e-5; the only other bounds are the float64 reductions, checked tighter.
 * Shapes include 1, odd sizes and sizes above native/cpu_parallel.h's kParallelMin (32768), so both the
 * serial and the OpenMP paths run.
 */
class CpuParityTest extends CpuParityBase {

    private static final double TOL = 1e-5;
    private static final int[] SIZES = {1, 7, 33, 257, 40_001};
    private static final int[][] MATRICES = {{1, 1}, {7, 33}, {33, 7}, {257, 129}, {3, 300}, {250, 161}};   // last > 32768


    private void check(String what, Twin t) { check(what, t, TOL); }

    private void check(String what, Twin t, double tol) { assertClose(tag(what), t.cpuOut(), t.refOut(), tol); }

    /** Gaussian values scaled by scale, never 0 (0 hides sign and scaling bugs). */
    private float[] randn(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (float) (rnd.nextGaussian() * scale);
            v[i] = x != 0f ? x : (float) scale;
        }
        return v;
    }

    private Twin randTwin(int n) { return new Twin(randn(n, 1)); }

    private Twin nanTwin(int n) {
        float[] v = new float[n];
        Arrays.fill(v, Float.NaN);
        return new Twin(v);
    }

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

    @Test void uploadDownloadRoundTripIsExact() {
        for (int n : SIZES) {
            float[] v = randn(n, 1);
            Twin t = new Twin(v);
            assertArrayEquals(v, t.cpuOut(), tag("upload/download n=" + n));
        }
        Buffer b = cpu.alloc(10);
        cpuBuffers.add(b);
        assertArrayEquals(new float[10], down(cpu, b, 10), "alloc zero-fills");
    }

    @Test void copyAndFill() {
        for (int n : SIZES) {
            Twin src = randTwin(n + 5), dst = randTwin(n + 9);
            cpu.copy(src.c, 3, dst.c, 7, n);
            ref.copy(src.r, 3, dst.r, 7, n);
            assertArrayEquals(dst.refOut(), dst.cpuOut(), tag("copy n=" + n));
            // Overlapping ranges of one buffer behave as System.arraycopy.
            cpu.copy(dst.c, 0, dst.c, 2, n);
            ref.copy(dst.r, 0, dst.r, 2, n);
            assertArrayEquals(dst.refOut(), dst.cpuOut(), tag("overlapping copy n=" + n));
            cpu.fill(dst.c, -2.5f, n);
            ref.fill(dst.r, -2.5f, n);
            assertArrayEquals(dst.refOut(), dst.cpuOut(), tag("fill n=" + n));
        }
    }

    @Test void doubleFreeIsHarmless() {
        Buffer b = cpu.alloc(100);
        cpu.free(b);
        cpu.free(b);
        assertTrue(b.isFreed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cpu.fill(b, 1f, 1));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
    }

    @Test void hugeAllocationIsAnOutOfMemoryError() {
        assertThrows(OutOfMemoryError.class, () -> cpu.alloc(1L << 60));
    }

    // ---- linear algebra -----------------------------------------------------------------------

    @Test void gemm() {
        int[][] shapes = {{1, 1, 1}, {7, 33, 5}, {33, 7, 257}, {1, 40, 3}, {64, 48, 96}, {257, 130, 70}};
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 0f}, {-1.5f, 1f}, {2f, -0.25f}};
        for (int[] s : shapes)
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++)
                    for (float[] ab : alphaBeta) {
                        int m = s[0], n = s[1], k = s[2];
                        Twin a = randTwin(m * k), b = randTwin(k * n);
                        // beta = 0 must ignore C, even NaN
                        Twin c = ab[1] == 0f ? nanTwin(m * n) : randTwin(m * n);
                        cpu.gemm(ta == 1, tb == 1, m, n, k, ab[0], a.c, b.c, ab[1], c.c);
                        ref.gemm(ta == 1, tb == 1, m, n, k, ab[0], a.r, b.r, ab[1], c.r);
                        check(String.format("gemm m=%d n=%d k=%d transA=%b transB=%b alpha=%s beta=%s",
                                m, n, k, ta == 1, tb == 1, ab[0], ab[1]), c);
                    }
    }

    @Test void gemmWithEmptyInnerDimension() {
        Twin c = randTwin(12), c0 = nanTwin(12), a = randTwin(1), b = randTwin(1);
        cpu.gemm(false, false, 3, 4, 0, 1f, a.c, b.c, 0.5f, c.c);
        ref.gemm(false, false, 3, 4, 0, 1f, a.r, b.r, 0.5f, c.r);
        check("gemm k=0 beta=0.5", c);
        cpu.gemm(false, true, 3, 4, 0, 1f, a.c, b.c, 0f, c0.c);
        ref.gemm(false, true, 3, 4, 0, 1f, a.r, b.r, 0f, c0.r);
        check("gemm k=0 beta=0", c0);
    }

    @Test void addBiasSumRowsSumCols() {
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            Twin x = randTwin(rows * cols), bias = randTwin(cols), y = randTwin(rows * cols);
            cpu.addBias(x.c, bias.c, y.c, rows, cols);
            ref.addBias(x.r, bias.r, y.r, rows, cols);
            check("addBias" + shape, y);
            cpu.addBias(x.c, bias.c, x.c, rows, cols);   // y may alias x
            ref.addBias(x.r, bias.r, x.r, rows, cols);
            check("addBias in place" + shape, x);
            for (float beta : new float[] {0f, 0.5f}) {
                Twin sr = beta == 0f ? nanTwin(cols) : randTwin(cols);
                cpu.sumRows(x.c, sr.c, rows, cols, beta);
                ref.sumRows(x.r, sr.r, rows, cols, beta);
                check("sumRows beta=" + beta + shape, sr);
                Twin sc = beta == 0f ? nanTwin(rows) : randTwin(rows);
                cpu.sumCols(x.c, sc.c, rows, cols, beta);
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
                cpu.unary(op, x.c, y.c, n);
                ref.unary(op, x.r, y.r, n);
                check("unary " + op + " n=" + n, y);
                cpu.unary(op, x.c, x.c, n);   // y may alias x
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
                cpu.unaryBackward(op, x.c, y.c, dy.c, dx.c, n);
                ref.unaryBackward(op, x.r, y.r, dy.r, dx.r, n);
                check("unaryBackward " + op + " n=" + n, dx);
                cpu.unaryBackward(op, x.c, y.c, dy.c, dy.c, n);   // dx may alias dy
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
        cpu.unary(UnaryOp.TANHSHRINK, x.c, y.c, n);
        ref.unary(UnaryOp.TANHSHRINK, x.r, y.r, n);
        float[] c = y.cpuOut(), r = y.refOut();
        for (int i = 0; i < n; i++) {
            double bound = (Math.abs(v[i]) < 0.5 ? 1e-6 : 2e-6) * Math.abs(r[i]);
            if (Math.abs(c[i] - r[i]) > bound) fail(tag("tanhshrink(" + v[i] + ") = " + c[i] + ", reference " + r[i]));
        }
    }

    @Test void binary() {
        for (BinaryOp op : BinaryOp.values())
            for (int n : SIZES) {
                Twin a = randTwin(n), b = randTwin(n), out = nanTwin(n);
                cpu.binary(op, a.c, b.c, out.c, n);
                ref.binary(op, a.r, b.r, out.r, n);
                check("binary " + op + " n=" + n, out);
                cpu.binary(op, a.c, b.c, a.c, n);   // out may alias a
                ref.binary(op, a.r, b.r, a.r, n);
                check("binary " + op + " out=a n=" + n, a);
                cpu.binary(op, a.c, b.c, b.c, n);   // ... or b
                ref.binary(op, a.r, b.r, b.r, n);
                check("binary " + op + " out=b n=" + n, b);
            }
    }

    @Test void axpby() {
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0f}, {2f, 1f}, {0.3f, -1.7f}};
        for (int n : SIZES)
            for (float[] ab : alphaBeta) {
                Twin x = randTwin(n), y = ab[1] == 0f ? nanTwin(n) : randTwin(n);
                cpu.axpby(ab[0], x.c, ab[1], y.c, n);
                ref.axpby(ab[0], x.r, ab[1], y.r, n);
                check("axpby alpha=" + ab[0] + " beta=" + ab[1] + " n=" + n, y);
            }
    }

    @Test void sumAndSumSquares() {
        // Both accumulate in float64 (the contract), so they agree far below 1e-5: checked at 1e-10.
        for (int n : new int[] {1, 7, 33, 257, 40_001, 1_000_003}) {
            Twin x = randTwin(n);
            assertClose(tag("sumSquares n=" + n), cpu.sumSquares(x.c, n), ref.sumSquares(x.r, n), 1e-10);
            assertClose(tag("sum n=" + n), cpu.sum(x.c, n), ref.sum(x.r, n), 1e-10);
        }
        Twin x = randTwin(10);
        assertEquals(0.0, cpu.sum(x.c, 0));
    }

    // ---- losses and regularisation ------------------------------------------------------------

    @Test void softmaxCrossEntropyForwardAndBackward() {
        int[][] shapes = {{1, 1}, {7, 10}, {33, 257}, {257, 7}, {200, 201}};
        for (int[] s : shapes)
            for (double scale : new double[] {1, 50}) {   // 50: logits far beyond exp's float range
                int rows = s[0], cols = s[1];
                String shape = " rows=" + rows + " cols=" + cols + " logit scale=" + scale;
                Twin logits = new Twin(randn(rows * cols, scale)), probs = nanTwin(rows * cols), loss = nanTwin(rows);
                int[] labels = labels(rows, cols);
                cpu.softmaxCrossEntropy(logits.c, labels, probs.c, loss.c, rows, cols);
                ref.softmaxCrossEntropy(logits.r, labels, probs.r, loss.r, rows, cols);
                check("softmaxCrossEntropy probs" + shape, probs);
                check("softmaxCrossEntropy loss" + shape, loss);
                Twin p = new Twin(probs.refOut()), d = nanTwin(rows * cols);
                float gradScale = 1f / rows;
                cpu.softmaxCrossEntropyBackward(p.c, labels, gradScale, d.c, rows, cols);
                ref.softmaxCrossEntropyBackward(p.r, labels, gradScale, d.r, rows, cols);
                check("softmaxCrossEntropyBackward" + shape, d);
            }
    }

    @Test void badLabelsAreRejectedNamingTheRow() {
        int rows = 5, cols = 4;
        Twin logits = randTwin(rows * cols), probs = randTwin(rows * cols), loss = randTwin(rows);
        for (int bad : new int[] {cols, -1}) {
            int[] labels = {0, 1, 2, bad, 3};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.softmaxCrossEntropy(logits.c, labels, probs.c, loss.c, rows, cols));
            assertTrue(e.getMessage().contains("softmaxCrossEntropy") && e.getMessage().contains("row 3")
                    && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.softmaxCrossEntropy(logits.c, new int[] {0, 1}, probs.c, loss.c, rows, cols));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
    }

    @Test void dropoutMaskIsBitIdenticalToReference() {
        for (int n : SIZES)
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
                long dropSeed = rnd.nextLong();   // negative seeds too: Java's >>> must match uint64 >>
                Twin x = randTwin(n), mask = nanTwin(n), y = nanTwin(n);
                cpu.dropout(x.c, mask.c, y.c, p, dropSeed, n);
                ref.dropout(x.r, mask.r, y.r, p, dropSeed, n);
                String what = tag("dropout n=" + n + " p=" + p + " dropSeed=" + dropSeed);
                assertArrayEquals(mask.refOut(), mask.cpuOut(), what + " mask");
                assertArrayEquals(y.refOut(), y.cpuOut(), what + " y");
            }
    }

    @Test void layerNormForwardAndBackward() {
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            float eps = 1e-5f;
            Twin x = new Twin(randn(rows * cols, 2)), gamma = randTwin(cols), beta = randTwin(cols);
            Twin y = nanTwin(rows * cols), mean = nanTwin(rows), rstd = nanTwin(rows);
            cpu.layerNorm(x.c, gamma.c, beta.c, y.c, mean.c, rstd.c, rows, cols, eps);
            ref.layerNorm(x.r, gamma.r, beta.r, y.r, mean.r, rstd.r, rows, cols, eps);
            check("layerNorm y" + shape, y);
            check("layerNorm mean" + shape, mean);
            check("layerNorm rstd" + shape, rstd);
            // Backward from the reference's mean/rstd so both see identical inputs.
            Twin mu = new Twin(mean.refOut()), rs = new Twin(rstd.refOut()), dy = randTwin(rows * cols);
            Twin dx = nanTwin(rows * cols), dgamma = randTwin(cols), dbeta = randTwin(cols);   // accumulated into
            cpu.layerNormBackward(x.c, gamma.c, mu.c, rs.c, dy.c, dx.c, dgamma.c, dbeta.c, rows, cols);
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
                            cpu.sgdUpdate(p.c, g.c, v == null ? null : v.c, n, 0.05f, momentum, wd, nesterov);
                            ref.sgdUpdate(p.r, g.r, v == null ? null : v.r, n, 0.05f, momentum, wd, nesterov);
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
                        cpu.adamUpdate(p.c, g.c, m.c, v.c, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        ref.adamUpdate(p.r, g.r, m.r, v.r, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        check(what + " step " + step + " param", p);
                        check(what + " step " + step + " m", m);
                        check(what + " step " + step + " v", v);
                    }
                }
    }

    // ---- validation, runtime, determinism ---------------------------------------------------------

    private static void assertRejected(String primitive, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, primitive);
        assertTrue(e.getMessage().startsWith(primitive + ":"), "names the primitive: " + e.getMessage());
    }

    @Test void shortBuffersAreRejectedNamingThePrimitive() {
        Buffer b6 = cpu.alloc(6), b5 = cpu.alloc(5), b2 = cpu.alloc(2);
        cpuBuffers.addAll(List.of(b6, b5, b2));
        assertRejected("gemm", () -> cpu.gemm(false, false, 2, 3, 3, 1f, b6, b6, 0f, b5));
        assertRejected("gemm", () -> cpu.gemm(true, false, 2, 3, 4, 1f, b6, b6, 0f, b6));
        assertRejected("addBias", () -> cpu.addBias(b6, b2, b6, 2, 3));
        assertRejected("sumRows", () -> cpu.sumRows(b6, b2, 2, 3, 0f));
        assertRejected("unary", () -> cpu.unary(UnaryOp.RELU, b5, b6, 6));
        assertRejected("unaryBackward", () -> cpu.unaryBackward(UnaryOp.TANH, b6, b6, b6, b5, 6));
        assertRejected("binary", () -> cpu.binary(BinaryOp.ADD, b6, b5, b6, 6));
        assertRejected("axpby", () -> cpu.axpby(1f, b6, 1f, b5, 6));
        assertRejected("sumSquares", () -> cpu.sumSquares(b5, 6));
        assertRejected("copy", () -> cpu.copy(b6, 2, b6, 0, 5));
        assertRejected("fill", () -> cpu.fill(b2, 0f, 3));
        assertRejected("upload", () -> cpu.upload(new float[7], b6));
        assertRejected("download", () -> cpu.download(b5, new float[6]));
        assertRejected("softmaxCrossEntropy", () -> cpu.softmaxCrossEntropy(b6, new int[2], b5, b2, 2, 3));
        assertRejected("dropout", () -> cpu.dropout(b6, b5, b6, 0.5f, 1L, 6));
        assertRejected("layerNorm", () -> cpu.layerNorm(b6, b2, b2, b6, b2, b2, 2, 3, 1e-5f));
        assertRejected("layerNormBackward", () -> cpu.layerNormBackward(b6, b6, b2, b2, b6, b5, b6, b6, 2, 3));
        assertRejected("sgdUpdate", () -> cpu.sgdUpdate(b6, b6, null, 6, 0.1f, 0.9f, 0f, false));
        assertRejected("adamUpdate", () -> cpu.adamUpdate(b6, b6, b6, b5, 6, 0.1f, 0.9f, 0.99f, 1e-8f, 0f, false, 1));
        assertRejected("gemm", () -> cpu.gemm(false, false, -1, 3, 3, 1f, b6, b6, 0f, b6));
        // A buffer of another backend is refused, not cast.
        Buffer foreign = ref.alloc(6);
        assertRejected("unary", () -> cpu.unary(UnaryOp.EXP, foreign, b6, 6));
        assertThrows(IllegalArgumentException.class, () -> cpu.free(foreign));
    }

    @Test void runtimeInfo() {
        assertTrue(CpuBackend.isAvailable());
        assertEquals(null, CpuBackend.unavailabilityCause());
        assertEquals("cpu", cpu.name());
        assertTrue(CpuBackend.blasInfo().startsWith("OpenBLAS"), CpuBackend.blasInfo());
        assertTrue(CpuBackend.libraryPath() != null);
        int before = CpuBackend.threads();
        try {
            CpuBackend.setThreads(1);
            assertEquals(1, CpuBackend.threads());
        } finally {
            CpuBackend.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.setThreads(0));
    }

    private float[] gemmOnce(Twin a, Twin b, int m, int n, int k) {
        Twin c = nanTwin(m * n);
        cpu.gemm(false, true, m, n, k, 1f, a.c, b.c, 0f, c.c);
        return c.cpuOut();
    }

    @Test void reductionsAndGemmAreDeterministic() {
        int n = 1_000_003, m = 300, nn = 200, k = 150;
        Twin x = randTwin(n), a = randTwin(m * k), b = randTwin(nn * k);
        double s1 = cpu.sumSquares(x.c, n), s2 = cpu.sumSquares(x.c, n);
        double t1 = cpu.sum(x.c, n), t2 = cpu.sum(x.c, n);
        assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(s2), "sumSquares twice");
        assertEquals(Double.doubleToLongBits(t1), Double.doubleToLongBits(t2), "sum twice");
        assertArrayEquals(gemmOnce(a, b, m, nn, k), gemmOnce(a, b, m, nn, k), "gemm twice, same thread count");
        // The full reductions sum fixed-size chunks in index order: the thread count does not change their bits.
        int before = CpuBackend.threads();
        try {
            CpuBackend.setThreads(1);
            assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(cpu.sumSquares(x.c, n)), "sumSquares, 1 thread");
            assertEquals(Double.doubleToLongBits(t1), Double.doubleToLongBits(cpu.sum(x.c, n)), "sum, 1 thread");
        } finally {
            CpuBackend.setThreads(before);
        }
    }

    @Test void callsFromManyThreadsAgree() throws Exception {
        int n = 100_000;
        Twin x = randTwin(n);
        double expected = cpu.sumSquares(x.c, n);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        Consumer<Throwable> record = e -> { synchronized (errors) { errors.add(e); } };
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 20; i++) assertEquals(expected, cpu.sumSquares(x.c, n));
                } catch (Throwable e) {
                    record.accept(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        if (!errors.isEmpty()) throw new AssertionError(errors.get(0));
    }
}
