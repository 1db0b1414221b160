package org.hhnn.backend.cuda;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.hhnn.backend.BinaryOp;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every primitive of the cuda backend against ReferenceBackend.get() on fresh random inputs (non-zero, mixed signs;
 * the seed is in every failure message), forward and backward, on each device backend: cuda-emulated (the kernels of
 * kernels/*.cu compiled for the host) always, and the real GPU when {@link CudaBackend#isAvailable()} (otherwise that
 * case is skipped, naming the cause). The metric is DESIGN.md's ||cuda - ref||_2 / ||ref||_2 <= 1e-5; the float64
 * reductions are checked at 1e-10. Shapes include 1, odd sizes, and sizes above one block (256) and above the grid
 * cap's single pass, so partial blocks and grid-stride loops both run. After each test every scratch allocation
 * must have been returned to the device (no leaks in the backend's temporaries).
 *
 * <p>Run: mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaEmulatedParityTest {

    private static final double TOL = 1e-5;
    private static final int[] SIZES = {1, 7, 33, 257, 40_001};
    private static final int[][] MATRICES = {{1, 1}, {7, 33}, {33, 7}, {257, 129}, {3, 300}, {250, 161}};

    /** The device backends under test: "cuda-emulated" and "cuda" (the real GPU, skipped when there is none). */
    static Stream<String> backends() { return Stream.of("cuda-emulated", "cuda"); }

    private static final ReferenceBackend ref = ReferenceBackend.get();

    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);
    private final List<Buffer> devBuffers = new ArrayList<>();
    private CudaBackend dev;
    private long liveBefore;

    /** The backend called name, or the test is skipped with the reason it cannot run here. */
    static CudaBackend open(String name) {
        if (name.equals("cuda")) {
            assumeTrue(CudaBackend.isAvailable(), "no real GPU here: " + CudaBackend.unavailabilityCause());
            return CudaBackend.get();
        }
        // Only a build that skipped the native library on purpose may skip the emulated backend.
        assumeFalse(!CudaBackend.isEmulatedAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
        if (!CudaBackend.isEmulatedAvailable()) fail(CudaBackend.emulatedUnavailabilityCause());
        return CudaBackend.emulated();
    }

    private void use(String name) { use(open(name)); }

    private void use(CudaBackend b) {
        dev = b;
        liveBefore = ((AbstractDevice) dev.device()).liveBytes();
    }

    @AfterEach void freeBuffersAndCheckForLeaks() {
        if (dev == null) return;
        devBuffers.forEach(dev::free);
        devBuffers.clear();
        assertEquals(liveBefore, ((AbstractDevice) dev.device()).liveBytes(), "device bytes still allocated after the test (a leaked temporary)");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The same data on both backends. */
    private final class Twin {
        final Buffer d, r;
        final int n;

        Twin(float[] v) {
            n = v.length;
            d = dev.alloc(n);
            devBuffers.add(d);
            r = ref.alloc(n);
            dev.upload(v, d);
            ref.upload(v, r);
        }

        float[] devOut() { return down(dev, d, n); }
        float[] refOut() { return down(ref, r, n); }
    }

    private static float[] down(org.hhnn.backend.Backend b, Buffer buf, int n) {
        float[] out = new float[n];
        b.download(buf, out);
        return out;
    }

    private String tag(String what) { return dev.name() + ": " + what + " [seed " + seed + "L]"; }

    private void check(String what, Twin t) { assertClose(tag(what), t.devOut(), t.refOut(), TOL); }

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

    /** Inputs in op's domain, saturated tails among ordinary values (as CpuParityTest, whose reasons hold here). */
    private float[] domain(UnaryOp op, int n) {
        float[] v = randn(n, 3);
        if (op == UnaryOp.LOG) for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]) + 1e-3f;
        if (n >= 7 && (op == UnaryOp.SIGMOID || op == UnaryOp.SOFTPLUS || op == UnaryOp.TANH || op == UnaryOp.TANHSHRINK)) {
            float[] extremes = {-100f, -30f, 25f, 60f, 100f};
            for (int i = 0; i < Math.min(n, extremes.length); i++) v[n - 1 - i] = extremes[i];
        }
        return v;
    }

    // ---- memory -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void uploadDownloadRoundTripIsExactAndAllocZeroFills(String backend) {
        use(backend);
        for (int n : SIZES) {
            float[] v = randn(n, 1);
            assertArrayEquals(v, new Twin(v).devOut(), tag("upload/download n=" + n));
        }
        Buffer b = dev.alloc(1000);
        devBuffers.add(b);
        dev.fill(b, 3f, 1000);
        devBuffers.remove(b);
        dev.free(b);
        Buffer again = dev.alloc(1000);   // may reuse a cached block: must still come back zeroed
        devBuffers.add(again);
        assertArrayEquals(new float[1000], down(dev, again, 1000), "alloc zero-fills");
        Buffer empty = dev.alloc(0);
        devBuffers.add(empty);
        assertEquals(0, empty.length);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void copyAndFill(String backend) {
        use(backend);
        for (int n : SIZES) {
            Twin src = randTwin(n + 5), dst = randTwin(n + 9);
            dev.copy(src.d, 3, dst.d, 7, n);
            ref.copy(src.r, 3, dst.r, 7, n);
            assertArrayEquals(dst.refOut(), dst.devOut(), tag("copy n=" + n));
            dev.copy(dst.d, 0, dst.d, 2, n);   // overlapping ranges of one buffer behave as System.arraycopy
            ref.copy(dst.r, 0, dst.r, 2, n);
            assertArrayEquals(dst.refOut(), dst.devOut(), tag("overlapping copy n=" + n));
            dev.copy(dst.d, 2, dst.d, 0, n);
            ref.copy(dst.r, 2, dst.r, 0, n);
            assertArrayEquals(dst.refOut(), dst.devOut(), tag("overlapping copy backwards n=" + n));
            dev.fill(dst.d, -2.5f, n);
            ref.fill(dst.r, -2.5f, n);
            assertArrayEquals(dst.refOut(), dst.devOut(), tag("fill n=" + n));
        }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void doubleFreeIsHarmlessAndForeignBuffersAreRefused(String backend) {
        use(backend);
        Buffer b = dev.alloc(100);
        dev.free(b);
        dev.free(b);
        assertTrue(b.isFreed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dev.fill(b, 1f, 1));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
        Buffer foreign = ref.alloc(6);
        assertRejected("unary", () -> dev.unary(UnaryOp.EXP, foreign, foreign, 6));
        assertThrows(IllegalArgumentException.class, () -> dev.free(foreign));
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    private void gemmAllCases(String what) {
        int[][] shapes = {{1, 1, 1}, {7, 33, 5}, {33, 7, 257}, {1, 40, 3}, {64, 48, 96}, {257, 130, 70}};
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 0f}, {-1.5f, 1f}, {2f, -0.25f}};
        for (int[] s : shapes)
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++)
                    for (float[] ab : alphaBeta) {
                        int m = s[0], n = s[1], k = s[2];
                        Twin a = randTwin(m * k), b = randTwin(k * n);
                        Twin c = ab[1] == 0f ? nanTwin(m * n) : randTwin(m * n);   // beta = 0 must ignore C, even NaN
                        dev.gemm(ta == 1, tb == 1, m, n, k, ab[0], a.d, b.d, ab[1], c.d);
                        ref.gemm(ta == 1, tb == 1, m, n, k, ab[0], a.r, b.r, ab[1], c.r);
                        check(String.format("%s m=%d n=%d k=%d transA=%b transB=%b alpha=%s beta=%s",
                                what, m, n, k, ta == 1, tb == 1, ab[0], ab[1]), c);
                    }
        Twin c = randTwin(12), c0 = nanTwin(12), a = randTwin(1), b = randTwin(1);
        dev.gemm(false, false, 3, 4, 0, 1f, a.d, b.d, 0.5f, c.d);
        ref.gemm(false, false, 3, 4, 0, 1f, a.r, b.r, 0.5f, c.r);
        check(what + " k=0 beta=0.5", c);
        dev.gemm(false, true, 3, 4, 0, 1f, a.d, b.d, 0f, c0.d);
        ref.gemm(false, true, 3, 4, 0, 1f, a.r, b.r, 0f, c0.r);
        check(what + " k=0 beta=0", c0);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void gemm(String backend) {
        use(backend);
        gemmAllCases("gemm");
    }

    /** JCudaDevice's fallback without cuBLAS (kernels/gemm.cu), run through the same row-major mapping. */
    @Test void gemmThroughTheFallbackKernel() {
        open("cuda-emulated");
        use(new CudaBackend(new EmulatedDevice(true)));
        gemmAllCases("gemm via hhnn_gemm_f32");
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void addBiasSumRowsSumCols(String backend) {
        use(backend);
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            Twin x = randTwin(rows * cols), bias = randTwin(cols), y = nanTwin(rows * cols);
            dev.addBias(x.d, bias.d, y.d, rows, cols);
            ref.addBias(x.r, bias.r, y.r, rows, cols);
            check("addBias" + shape, y);
            dev.addBias(x.d, bias.d, x.d, rows, cols);   // y may alias x
            ref.addBias(x.r, bias.r, x.r, rows, cols);
            check("addBias in place" + shape, x);
            for (float beta : new float[] {0f, 0.5f}) {
                Twin sr = beta == 0f ? nanTwin(cols) : randTwin(cols);
                dev.sumRows(x.d, sr.d, rows, cols, beta);
                ref.sumRows(x.r, sr.r, rows, cols, beta);
                check("sumRows beta=" + beta + shape, sr);
                Twin sc = beta == 0f ? nanTwin(rows) : randTwin(rows);
                dev.sumCols(x.d, sc.d, rows, cols, beta);
                ref.sumCols(x.r, sc.r, rows, cols, beta);
                check("sumCols beta=" + beta + shape, sc);
            }
        }
    }

    // ---- elementwise --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void unaryForwardAndBackward(String backend) {
        use(backend);
        for (UnaryOp op : UnaryOp.values())
            for (int n : SIZES) {
                float[] xv = domain(op, n);
                Twin x = new Twin(xv), y = nanTwin(n);
                dev.unary(op, x.d, y.d, n);
                ref.unary(op, x.r, y.r, n);
                check("unary " + op + " n=" + n, y);
                Twin yRef = new Twin(y.refOut()), dy = randTwin(n), dx = nanTwin(n);   // both get the same y = f(x)
                dev.unaryBackward(op, x.d, yRef.d, dy.d, dx.d, n);
                ref.unaryBackward(op, x.r, yRef.r, dy.r, dx.r, n);
                check("unaryBackward " + op + " n=" + n, dx);
                dev.unaryBackward(op, x.d, yRef.d, dy.d, dy.d, n);   // dx may alias dy
                ref.unaryBackward(op, x.r, yRef.r, dy.r, dy.r, n);
                check("unaryBackward " + op + " in place n=" + n, dy);
                dev.unary(op, x.d, x.d, n);   // y may alias x
                ref.unary(op, x.r, x.r, n);
                check("unary " + op + " in place n=" + n, x);
            }
    }

    /** tanhshrink per element near 0, where the L2 metric would hide cancellation (bounds as CpuParityTest's). */
    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void tanhshrinkIsAccurateElementwiseNearZero(String backend) {
        use(backend);
        int n = 4001;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float t = (i - 2000) / 2000f * 1.5f;
            v[i] = Math.abs(t) < 1e-3f ? 1e-3f : t;
        }
        Twin x = new Twin(v), y = nanTwin(n);
        dev.unary(UnaryOp.TANHSHRINK, x.d, y.d, n);
        ref.unary(UnaryOp.TANHSHRINK, x.r, y.r, n);
        float[] c = y.devOut(), r = y.refOut();
        for (int i = 0; i < n; i++) {
            double bound = (Math.abs(v[i]) < 0.5 ? 1e-6 : 2e-6) * Math.abs(r[i]);
            if (Math.abs(c[i] - r[i]) > bound) fail(tag("tanhshrink(" + v[i] + ") = " + c[i] + ", reference " + r[i]));
        }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void binaryAndAxpby(String backend) {
        use(backend);
        for (BinaryOp op : BinaryOp.values())
            for (int n : SIZES) {
                Twin a = randTwin(n), b = randTwin(n), out = nanTwin(n);
                dev.binary(op, a.d, b.d, out.d, n);
                ref.binary(op, a.r, b.r, out.r, n);
                check("binary " + op + " n=" + n, out);
                dev.binary(op, a.d, b.d, a.d, n);
                ref.binary(op, a.r, b.r, a.r, n);
                check("binary " + op + " out=a n=" + n, a);
                dev.binary(op, a.d, b.d, b.d, n);
                ref.binary(op, a.r, b.r, b.r, n);
                check("binary " + op + " out=b n=" + n, b);
            }
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0f}, {2f, 1f}, {0.3f, -1.7f}};
        for (int n : SIZES)
            for (float[] ab : alphaBeta) {
                Twin x = randTwin(n), y = ab[1] == 0f ? nanTwin(n) : randTwin(n);
                dev.axpby(ab[0], x.d, ab[1], y.d, n);
                ref.axpby(ab[0], x.r, ab[1], y.r, n);
                check("axpby alpha=" + ab[0] + " beta=" + ab[1] + " n=" + n, y);
            }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void sumAndSumSquaresAreFloat64AndDeterministic(String backend) {
        use(backend);
        // 2,100,001 > LaunchConfig's single pass (8192 blocks x 256 threads): threads loop grid-stride, three stages.
        for (int n : new int[] {1, 7, 33, 257, 40_001, 1_000_003, 2_100_001}) {
            Twin x = randTwin(n);
            double s = dev.sumSquares(x.d, n), t = dev.sum(x.d, n);
            assertClose(tag("sumSquares n=" + n), s, ref.sumSquares(x.r, n), 1e-10);
            assertClose(tag("sum n=" + n), t, ref.sum(x.r, n), 1e-10);
            assertEquals(Double.doubleToLongBits(s), Double.doubleToLongBits(dev.sumSquares(x.d, n)), tag("sumSquares twice n=" + n));
            assertEquals(Double.doubleToLongBits(t), Double.doubleToLongBits(dev.sum(x.d, n)), tag("sum twice n=" + n));
        }
        Twin x = randTwin(10);
        assertEquals(0.0, dev.sum(x.d, 0));
    }

    // ---- losses and regularisation ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void softmaxCrossEntropyForwardAndBackward(String backend) {
        use(backend);
        int[][] shapes = {{1, 1}, {7, 10}, {33, 257}, {257, 7}, {200, 201}};
        for (int[] s : shapes)
            for (double scale : new double[] {1, 50}) {   // 50: logits far beyond exp's float range
                int rows = s[0], cols = s[1];
                String shape = " rows=" + rows + " cols=" + cols + " logit scale=" + scale;
                Twin logits = new Twin(randn(rows * cols, scale)), probs = nanTwin(rows * cols), loss = nanTwin(rows);
                int[] labels = labels(rows, cols);
                dev.softmaxCrossEntropy(logits.d, labels, probs.d, loss.d, rows, cols);
                ref.softmaxCrossEntropy(logits.r, labels, probs.r, loss.r, rows, cols);
                check("softmaxCrossEntropy probs" + shape, probs);
                check("softmaxCrossEntropy loss" + shape, loss);
                Twin p = new Twin(probs.refOut()), d = nanTwin(rows * cols);
                float gradScale = 1f / rows;
                dev.softmaxCrossEntropyBackward(p.d, labels, gradScale, d.d, rows, cols);
                ref.softmaxCrossEntropyBackward(p.r, labels, gradScale, d.r, rows, cols);
                check("softmaxCrossEntropyBackward" + shape, d);
            }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void badLabelsAreRejectedNamingTheRow(String backend) {
        use(backend);
        int rows = 5, cols = 4;
        Twin logits = randTwin(rows * cols), probs = randTwin(rows * cols), loss = randTwin(rows);
        for (int bad : new int[] {cols, -1}) {
            int[] labels = {0, 1, 2, bad, 3};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dev.softmaxCrossEntropy(logits.d, labels, probs.d, loss.d, rows, cols));
            assertTrue(e.getMessage().contains("softmaxCrossEntropy") && e.getMessage().contains("row 3")
                    && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertRejected("softmaxCrossEntropy", () -> dev.softmaxCrossEntropy(logits.d, new int[] {0, 1}, probs.d, loss.d, rows, cols));
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void dropoutMaskIsBitIdenticalToReference(String backend) {
        use(backend);
        for (int n : SIZES)
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
                long dropSeed = rnd.nextLong();   // negative seeds too: Java's >>> must match uint64 >>
                Twin x = randTwin(n), mask = nanTwin(n), y = nanTwin(n);
                dev.dropout(x.d, mask.d, y.d, p, dropSeed, n);
                ref.dropout(x.r, mask.r, y.r, p, dropSeed, n);
                String what = tag("dropout n=" + n + " p=" + p + " dropSeed=" + dropSeed);
                assertArrayEquals(mask.refOut(), mask.devOut(), what + " mask");
                assertArrayEquals(y.refOut(), y.devOut(), what + " y");
            }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void layerNormForwardAndBackward(String backend) {
        use(backend);
        for (int[] s : MATRICES) {
            int rows = s[0], cols = s[1];
            String shape = " rows=" + rows + " cols=" + cols;
            float eps = 1e-5f;
            Twin x = new Twin(randn(rows * cols, 2)), gamma = randTwin(cols), beta = randTwin(cols);
            Twin y = nanTwin(rows * cols), mean = nanTwin(rows), rstd = nanTwin(rows);
            dev.layerNorm(x.d, gamma.d, beta.d, y.d, mean.d, rstd.d, rows, cols, eps);
            ref.layerNorm(x.r, gamma.r, beta.r, y.r, mean.r, rstd.r, rows, cols, eps);
            check("layerNorm y" + shape, y);
            check("layerNorm mean" + shape, mean);
            check("layerNorm rstd" + shape, rstd);
            Twin mu = new Twin(mean.refOut()), rs = new Twin(rstd.refOut()), dy = randTwin(rows * cols);
            Twin dx = nanTwin(rows * cols), dgamma = randTwin(cols), dbeta = randTwin(cols);   // accumulated into
            dev.layerNormBackward(x.d, gamma.d, mu.d, rs.d, dy.d, dx.d, dgamma.d, dbeta.d, rows, cols);
            ref.layerNormBackward(x.r, gamma.r, mu.r, rs.r, dy.r, dx.r, dgamma.r, dbeta.r, rows, cols);
            check("layerNormBackward dx" + shape, dx);
            check("layerNormBackward dgamma" + shape, dgamma);
            check("layerNormBackward dbeta" + shape, dbeta);
        }
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void sgdUpdate(String backend) {
        use(backend);
        for (int n : SIZES)
            for (float momentum : new float[] {0f, 0.9f})
                for (boolean nesterov : new boolean[] {false, true})
                    for (float wd : new float[] {0f, 1e-2f}) {
                        String what = "sgdUpdate n=" + n + " momentum=" + momentum + " nesterov=" + nesterov + " wd=" + wd;
                        Twin p = randTwin(n), v = momentum == 0f ? null : new Twin(new float[n]);
                        for (int step = 1; step <= 3; step++) {
                            Twin g = randTwin(n);
                            dev.sgdUpdate(p.d, g.d, v == null ? null : v.d, n, 0.05f, momentum, wd, nesterov);
                            ref.sgdUpdate(p.r, g.r, v == null ? null : v.r, n, 0.05f, momentum, wd, nesterov);
                            check(what + " step " + step + " param", p);
                            if (v != null) check(what + " step " + step + " velocity", v);
                        }
                    }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void adamUpdate(String backend) {
        use(backend);
        for (int n : SIZES)
            for (boolean decoupled : new boolean[] {false, true})
                for (float wd : new float[] {0f, 1e-2f}) {
                    String what = "adamUpdate n=" + n + " decoupled=" + decoupled + " wd=" + wd;
                    Twin p = randTwin(n), m = new Twin(new float[n]), v = new Twin(new float[n]);
                    for (int step = 1; step <= 3; step++) {
                        Twin g = randTwin(n);
                        dev.adamUpdate(p.d, g.d, m.d, v.d, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        ref.adamUpdate(p.r, g.r, m.r, v.r, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, step);
                        check(what + " step " + step + " param", p);
                        check(what + " step " + step + " m", m);
                        check(what + " step " + step + " v", v);
                    }
                }
    }

    // ---- HH window ------------------------------------------------------------------------------------------------

    /** Start states around rest and threshold, currents from 0 to 30 µA/cm² (most neurons spike within 20 steps). */
    private float[] hhState(int bm) {
        float[] s = new float[4 * bm];
        for (int i = 0; i < bm; i++) {
            s[4 * i] = (float) (-70 + 30 * rnd.nextDouble());
            s[4 * i + 1] = (float) (0.02 + 0.3 * rnd.nextDouble());
            s[4 * i + 2] = (float) (0.3 + 0.4 * rnd.nextDouble());
            s[4 * i + 3] = (float) (0.25 + 0.3 * rnd.nextDouble());
        }
        return s;
    }

    private float[] uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return v;
    }

    private float[] conductances(int neurons) {
        float[] g = new float[3 * neurons];
        for (int j = 0; j < neurons; j++) {
            g[3 * j] = 120f * (float) (0.8 + 0.4 * rnd.nextDouble());
            g[3 * j + 1] = 36f * (float) (0.8 + 0.4 * rnd.nextDouble());
            g[3 * j + 2] = 0.3f * (float) (0.8 + 0.4 * rnd.nextDouble());
        }
        return g;
    }

    /**
     * Tolerances of the HH window. Both sides run the same float32 steps for every neuron; the reference runs them in
     * float64 and rounds only what it stores, so the float32 kernels' own rounding error, which grows with the window
     * length w, is what the comparison measures. Measured (cuda-emulated, bit-identical to the cpu backend, seed-to-seed
     * stable): w = 20: all outputs <= 6e-7; w = 200: forward typically <= 3e-6 but up to 1.1e-5 for a rare seed whose
     * neurons sit at the threshold (max |dV| 0.013 mV at V = -56), gradients <= 2.1e-4 (the adjoint of 200 steps of a
     * stiff system). A float32-arithmetic twin of the float64 reference drifts by up to 5.9e-5 in V over 400 steps
     * (ReferenceHh report), so 1e-5 at w = 20, 1e-4 for the forward and 1e-3 for the gradients of the long window. Spike counts are compared exactly on the emulator; on a GPU (expf and FMA instead of the
     * host's Cephes exp) a voltage ending within rounding of the threshold may count one spike more or less, so there
     * one count in 200 may differ by one.
     */
    private static final double HH_LONG_GRAD_TOL = 1e-3, HH_LONG_FWD_TOL = 1e-4;

    private void checkSpikes(String what, Twin spikes) {
        float[] d = spikes.devOut(), r = spikes.refOut();
        if (dev.name().equals("cuda-emulated")) {
            assertArrayEquals(r, d, tag(what));
            return;
        }
        int off = 0;
        for (int i = 0; i < r.length; i++) {
            if (Math.abs(d[i] - r[i]) > 1) fail(tag(what + ": spike count " + d[i] + " vs reference " + r[i] + " at [" + i + "]"));
            if (d[i] != r[i]) off++;
        }
        if (off * 200 > r.length) fail(tag(what + ": " + off + " of " + r.length + " spike counts differ by one"));
    }

    private void hhCase(int w, int degree, int batch, int neurons, boolean withCond, boolean allGrads, double gradTol) {
        hhCase(w, degree, batch, neurons, withCond, allGrads, gradTol, false);
    }

    private void hhCase(int w, int degree, int batch, int neurons, boolean withCond, boolean allGrads, double gradTol,
                        boolean countAbove) {
        HhSpec spec = HhSpec.defaults(w, degree).withCountAbove(countAbove);
        int bm = batch * neurons, k = degree + 1;
        String what = " w=" + w + " D=" + degree + " B=" + batch + " M=" + neurons + " cond=" + withCond + " allGrads=" + allGrads
                + (countAbove ? " countAbove" : "");
        Twin state = new Twin(hhState(bm)), current = new Twin(uniform(bm, 0, 30));
        Twin cond = withCond ? new Twin(conductances(neurons)) : null;
        Twin stateOut = nanTwin(4 * bm), basisSum = nanTwin(bm * k), spikes = nanTwin(bm);
        dev.hhForward(spec, state.d, current.d, cond == null ? null : cond.d, stateOut.d, basisSum.d, spikes.d, batch, neurons);
        ref.hhForward(spec, state.r, current.r, cond == null ? null : cond.r, stateOut.r, basisSum.r, spikes.r, batch, neurons);
        double fwdTol = w > 50 ? HH_LONG_FWD_TOL : TOL;
        assertClose(tag("hhForward stateOut" + what), stateOut.devOut(), stateOut.refOut(), fwdTol);
        assertClose(tag("hhForward basisSum" + what), basisSum.devOut(), basisSum.refOut(), fwdTol);
        checkSpikes("hhForward spikes" + what, spikes);

        Twin dStateOut = randTwin(4 * bm), dBasisSum = new Twin(randn(bm * k, 0.01)), dSpikes = allGrads ? randTwin(bm) : null;
        Twin dState = nanTwin(4 * bm), dCurrent = nanTwin(bm), dCond = withCond ? randTwin(3 * neurons) : null;   // dCond: +=
        dev.hhBackward(spec, state.d, current.d, cond == null ? null : cond.d, dStateOut.d, allGrads ? dBasisSum.d : null,
                dSpikes == null ? null : dSpikes.d, dState.d, dCurrent.d, dCond == null ? null : dCond.d, batch, neurons);
        ref.hhBackward(spec, state.r, current.r, cond == null ? null : cond.r, dStateOut.r, allGrads ? dBasisSum.r : null,
                dSpikes == null ? null : dSpikes.r, dState.r, dCurrent.r, dCond == null ? null : dCond.r, batch, neurons);
        assertClose(tag("hhBackward dState" + what), dState.devOut(), dState.refOut(), gradTol);
        assertClose(tag("hhBackward dCurrent" + what), dCurrent.devOut(), dCurrent.refOut(), gradTol);
        if (dCond != null) assertClose(tag("hhBackward dCond" + what), dCond.devOut(), dCond.refOut(), gradTol);
    }

    /** Every kernel variant (_k8, _k16, _k33 by degree), with and without conductances and optional gradients. */
    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void hhWindowForwardAndBackward(String backend) {
        use(backend);
        hhCase(20, 4, 7, 37, true, true, TOL);
        hhCase(20, 4, 3, 300, false, false, TOL);   // more neurons than a block: several blocks, partial last block
        hhCase(20, 12, 5, 33, true, false, TOL);
        hhCase(20, 32, 4, 9, true, true, TOL);
        hhCase(20, 0, 2, 5, false, true, TOL);
        hhCase(1, 4, 1, 1, true, true, TOL);
    }

    /** spec.countAbove(): spikes = steps with V_t ≥ vTh, surrogate Σ_t σ((V_t − vTh)/κ) (the 13th kernel parameter). */
    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void hhCountAbove(String backend) {
        use(backend);
        hhCase(20, 4, 7, 37, true, true, TOL, true);
        hhCase(20, 12, 3, 40, false, true, TOL, true);
        hhCase(1, 4, 1, 1, true, true, TOL, true);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void hhLongWindow(String backend) {
        use(backend);
        hhCase(200, 4, 8, 40, true, true, HH_LONG_GRAD_TOL);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void hhValidation(String backend) {
        use(backend);
        HhSpec spec = HhSpec.defaults(5, 4);
        Buffer b40 = dev.alloc(40), b10 = dev.alloc(10), b6 = dev.alloc(6), b50 = dev.alloc(50);
        devBuffers.addAll(List.of(b40, b10, b6, b50));
        // batch 2 x neurons 5: state (40), current (10), cond (15), basisSum (50)
        assertRejected("hhForward", () -> dev.hhForward(spec, b40, b10, b6, b40, b50, b10, 2, 5));
        assertRejected("hhForward", () -> dev.hhForward(spec, b40, b10, null, b40, b40, b10, 2, 5));
        assertRejected("hhForward", () -> dev.hhForward(null, b40, b10, null, b40, b50, b10, 2, 5));
        assertRejected("hhBackward", () -> dev.hhBackward(spec, b40, b10, null, null, null, null, b40, b10, b40, 2, 5));
        assertRejected("hhBackward", () -> dev.hhBackward(spec, b40, b6, null, null, null, null, b40, b10, null, 2, 5));
    }

    // ---- Legendre activations -----------------------------------------------------------------------------------

    /** Values in [-1.3, 1.3]: most inside the clamp's range, some outside (where the gradient is 0). */
    private float[] legendreArgs(int n) { return uniform(n, -1.3, 1.3); }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void legendreActivationForwardAndBackward(String backend) {
        use(backend);
        int[][] shapes = {{1, 1}, {7, 33}, {64, 257}, {300, 3}};
        for (int degree : new int[] {0, 1, 4, 12})
            for (int[] s : shapes) {
                int rows = s[0], cols = s[1], k = degree + 1;
                String what = " rows=" + rows + " cols=" + cols + " D=" + degree;
                Twin x = new Twin(legendreArgs(rows * cols)), coeffs = new Twin(randn(cols * k, 0.5)), y = nanTwin(rows * cols);
                dev.legendreForward(x.d, coeffs.d, y.d, rows, cols, degree);
                ref.legendreForward(x.r, coeffs.r, y.r, rows, cols, degree);
                check("legendreForward" + what, y);
                Twin dy = randTwin(rows * cols), dx = nanTwin(rows * cols), dCoeffs = randTwin(cols * k);   // dCoeffs: +=
                dev.legendreBackward(x.d, coeffs.d, dy.d, dx.d, dCoeffs.d, rows, cols, degree);
                ref.legendreBackward(x.r, coeffs.r, dy.r, dx.r, dCoeffs.r, rows, cols, degree);
                check("legendreBackward dx" + what, dx);
                check("legendreBackward dCoeffs" + what, dCoeffs);
                Twin dx2 = nanTwin(rows * cols);
                dev.legendreBackward(x.d, coeffs.d, dy.d, dx2.d, null, rows, cols, degree);
                ref.legendreBackward(x.r, coeffs.r, dy.r, dx2.r, null, rows, cols, degree);
                check("legendreBackward dx without dCoeffs" + what, dx2);

                Twin basis = nanTwin(rows * cols * k);
                dev.legendreBasis(x.d, basis.d, rows, cols, degree);
                ref.legendreBasis(x.r, basis.r, rows, cols, degree);
                check("legendreBasis" + what, basis);
                Twin dBasis = randTwin(rows * cols * k), dxb = nanTwin(rows * cols);
                dev.legendreBasisBackward(x.d, dBasis.d, dxb.d, rows, cols, degree);
                ref.legendreBasisBackward(x.r, dBasis.r, dxb.r, rows, cols, degree);
                check("legendreBasisBackward" + what, dxb);
            }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void neuronReadoutForwardAndBackward(String backend) {
        use(backend);
        int[][] shapes = {{1, 1, 1}, {7, 33, 5}, {64, 300, 9}, {3, 5, 33}};
        for (int[] s : shapes) {
            int batch = s[0], neurons = s[1], k = s[2];
            String what = " B=" + batch + " M=" + neurons + " K=" + k;
            Twin basis = randTwin(batch * neurons * k), coeffs = randTwin(neurons * k), y = nanTwin(batch * neurons);
            dev.neuronReadout(basis.d, coeffs.d, y.d, batch, neurons, k);
            ref.neuronReadout(basis.r, coeffs.r, y.r, batch, neurons, k);
            check("neuronReadout" + what, y);
            Twin dy = randTwin(batch * neurons), dBasis = nanTwin(batch * neurons * k), dCoeffs = randTwin(neurons * k);
            dev.neuronReadoutBackward(basis.d, coeffs.d, dy.d, dBasis.d, dCoeffs.d, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, coeffs.r, dy.r, dBasis.r, dCoeffs.r, batch, neurons, k);
            check("neuronReadoutBackward dBasis" + what, dBasis);
            check("neuronReadoutBackward dCoeffs" + what, dCoeffs);
            dev.neuronReadoutBackward(basis.d, coeffs.d, dy.d, null, dCoeffs.d, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, coeffs.r, dy.r, null, dCoeffs.r, batch, neurons, k);
            check("neuronReadoutBackward dCoeffs only" + what, dCoeffs);
        }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void legendreValidation(String backend) {
        use(backend);
        Buffer b6 = dev.alloc(6), b5 = dev.alloc(5), b30 = dev.alloc(30);
        devBuffers.addAll(List.of(b6, b5, b30));
        assertRejected("legendreForward", () -> dev.legendreForward(b6, b5, b6, 2, 3, 1));   // coeffs needs 3*2
        assertRejected("legendreForward", () -> dev.legendreForward(b6, b30, b6, 2, 3, -1));
        assertRejected("legendreBackward", () -> dev.legendreBackward(b6, b30, b6, b5, null, 2, 3, 4));
        assertRejected("legendreBasis", () -> dev.legendreBasis(b6, b6, 2, 3, 4));
        assertRejected("legendreBasisBackward", () -> dev.legendreBasisBackward(b6, b30, b5, 2, 3, 4));
        assertRejected("neuronReadout", () -> dev.neuronReadout(b5, b6, b6, 2, 3, 1));
        assertRejected("neuronReadoutBackward", () -> dev.neuronReadoutBackward(b6, b6, b6, b5, null, 2, 3, 1));
    }

    // ---- validation -----------------------------------------------------------------------------------------------

    private static void assertRejected(String primitive, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, primitive);
        assertTrue(e.getMessage().startsWith(primitive + ":"), "names the primitive: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void shortBuffersAreRejectedNamingThePrimitive(String backend) {
        use(backend);
        Buffer b6 = dev.alloc(6), b5 = dev.alloc(5), b2 = dev.alloc(2);
        devBuffers.addAll(List.of(b6, b5, b2));
        assertRejected("gemm", () -> dev.gemm(false, false, 2, 3, 3, 1f, b6, b6, 0f, b5));
        assertRejected("gemm", () -> dev.gemm(true, false, 2, 3, 4, 1f, b6, b6, 0f, b6));
        assertRejected("gemm", () -> dev.gemm(false, false, -1, 3, 3, 1f, b6, b6, 0f, b6));
        assertRejected("addBias", () -> dev.addBias(b6, b2, b6, 2, 3));
        assertRejected("sumRows", () -> dev.sumRows(b6, b2, 2, 3, 0f));
        assertRejected("sumCols", () -> dev.sumCols(b5, b2, 2, 3, 0f));
        assertRejected("unary", () -> dev.unary(UnaryOp.RELU, b5, b6, 6));
        assertRejected("unaryBackward", () -> dev.unaryBackward(UnaryOp.TANH, b6, b6, b6, b5, 6));
        assertRejected("binary", () -> dev.binary(BinaryOp.ADD, b6, b5, b6, 6));
        assertRejected("axpby", () -> dev.axpby(1f, b6, 1f, b5, 6));
        assertRejected("sumSquares", () -> dev.sumSquares(b5, 6));
        assertRejected("sum", () -> dev.sum(b5, 6));
        assertRejected("copy", () -> dev.copy(b6, 2, b6, 0, 5));
        assertRejected("fill", () -> dev.fill(b2, 0f, 3));
        assertRejected("upload", () -> dev.upload(new float[7], b6));
        assertRejected("download", () -> dev.download(b5, new float[6]));
        assertRejected("softmaxCrossEntropy", () -> dev.softmaxCrossEntropy(b6, new int[2], b5, b2, 2, 3));
        assertRejected("softmaxCrossEntropyBackward", () -> dev.softmaxCrossEntropyBackward(b6, new int[1], 1f, b6, 2, 3));
        assertRejected("dropout", () -> dev.dropout(b6, b5, b6, 0.5f, 1L, 6));
        assertRejected("layerNorm", () -> dev.layerNorm(b6, b2, b2, b6, b2, b2, 2, 3, 1e-5f));
        assertRejected("layerNormBackward", () -> dev.layerNormBackward(b6, b6, b2, b2, b6, b5, b6, b6, 2, 3));
        assertRejected("sgdUpdate", () -> dev.sgdUpdate(b6, b6, null, 6, 0.1f, 0.9f, 0f, false));
        assertRejected("adamUpdate", () -> dev.adamUpdate(b6, b6, b6, b5, 6, 0.1f, 0.9f, 0.99f, 1e-8f, 0f, false, 1));
    }

    // ---- the emulator itself ------------------------------------------------------------------------------------

    /** A launch whose argument kinds differ from the kernel's C++ signature fails naming both (a GPU would misread it). */
    @Test void emulatorChecksEveryLaunchAgainstTheKernelSignature() {
        use("cuda-emulated");
        EmulatedDevice d = (EmulatedDevice) dev.device();
        assertEquals("pfl", d.kernels().get("hhnn_fill_f32"));
        Buffer b = dev.alloc(4);
        devBuffers.add(b);
        long p = ((DeviceBuffer) b).address;
        LaunchConfig one = LaunchConfig.forCount(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.launch("hhnn_fill_f32", one, KernelArgs.of().ptr(p).f32(1f).i32(4)));
        assertTrue(e.getMessage().contains("hhnn_fill_f32") && e.getMessage().contains("(pfl)") && e.getMessage().contains("(pfi)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.launch("hhnn_no_such_kernel", one, KernelArgs.of()));
        assertTrue(e.getMessage().contains("hhnn_no_such_kernel"), e.getMessage());
        d.launch("hhnn_fill_f32", one, KernelArgs.of().ptr(p).f32(1.5f).i64(4));
        assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1.5f}, down(dev, b, 4));
    }

    @Test void launchConfigurationIsComputedInOnePlace() {
        assertEquals(new LaunchConfig(1, 256), LaunchConfig.forCount(1));
        assertEquals(new LaunchConfig(2, 256), LaunchConfig.forCount(257));
        assertEquals(new LaunchConfig(LaunchConfig.MAX_GRID, 256), LaunchConfig.forCount(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.forCount(0));
    }

    @Test void cachingAllocatorReusesFreedBlocks() {
        use("cuda-emulated");
        Device d = dev.device();
        long a = d.alloc(10_000);
        d.free(a);
        long cached = d.cachedBytes();
        assertTrue(cached >= 10_000, "freed block is cached: " + cached);
        long b = d.alloc(10_100);   // same rounded size (512-byte steps below 1 MiB)
        assertEquals(a, b, "the cached block is handed out again");
        d.free(b);
        assertThrows(IllegalArgumentException.class, () -> d.free(12345));
    }
}
