package org.hhnn.backend.cpu;

import java.util.Arrays;
import java.util.Objects;
import org.hhnn.backend.Backend;
import org.hhnn.backend.BackendUnavailableException;
import org.hhnn.backend.BinaryOp;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.UnaryOp;

/**
 * The native CPU backend: JNI into libhhnn ({@code native/}: OpenMP loops over the shared
 * {@code kernels/*.cuh} math, OpenBLAS sgemm). Semantics are {@link org.hhnn.backend.ReferenceBackend}'s,
 * checked by {@code CpuParityTest}. Every argument is validated here, before the native call, so native
 * code never touches memory outside the buffers it was given; mistakes become IllegalArgumentExceptions
 * naming the primitive, the buffer and the sizes.
 */
public final class CpuBackend implements Backend {

    private static final CpuBackend INSTANCE = new CpuBackend();
    private static final float[] PROBE_A = {1, 2, 3, 4}, PROBE_B = {5, 6, 7, 8}, PROBE_C = {19, 22, 43, 50};

    private static boolean probed;
    private static Throwable unavailable;   // null when the probe passed

    private CpuBackend() {}

    // ---- availability and runtime ---------------------------------------------------------

    /** Whether libhhnn loads here and passes its self-test (a 2x2 gemm end to end); probed once. */
    public static boolean isAvailable() { return probe() == null; }

    /** Null when available, else one sentence saying what is missing and how to get it. */
    public static String unavailabilityCause() {
        Throwable t = probe();
        return t == null ? null : t.getMessage();
    }

    /** The backend; throws BackendUnavailableException (one sentence) when it cannot run here. */
    public static CpuBackend get() {
        Throwable t = probe();
        if (t != null) throw new BackendUnavailableException(t.getMessage(), t);
        return INSTANCE;
    }

    /** The file libhhnn was loaded from, or null when it was not loaded. */
    public static String libraryPath() { return NativeLoader.loadedFrom(); }

    /** OpenBLAS's build configuration, core and threading model. */
    public static String blasInfo() {
        get();
        return CpuNative.blasInfo();
    }

    /** Threads used by the native loops and by sgemm (default: OMP_NUM_THREADS or the core count). */
    public static int threads() {
        get();
        return CpuNative.threads();
    }

    /** Sets the thread count of the native loops and of OpenBLAS, for calls from any Java thread. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("cpu backend: thread count must be >= 1, got " + n);
        get();
        CpuNative.setThreads(n);
    }

    private static synchronized Throwable probe() {
        if (!probed) {
            probed = true;
            unavailable = runProbe();
        }
        return unavailable;
    }

    // Loads the library and runs one tiny real op through the same path every primitive takes.
    private static Throwable runProbe() {
        try {
            NativeLoader.load();
        } catch (Throwable t) {
            return t;   // already one sentence
        }
        try {
            String nativeFailure = CpuNative.probe();
            if (nativeFailure != null) throw new IllegalStateException(nativeFailure);
            Buffer a = INSTANCE.alloc(4), b = INSTANCE.alloc(4), c = INSTANCE.alloc(4);
            try {
                INSTANCE.upload(PROBE_A, a);
                INSTANCE.upload(PROBE_B, b);
                INSTANCE.fill(c, Float.NaN, 4);   // beta = 0 must ignore it
                INSTANCE.gemm(false, false, 2, 2, 2, 1f, a, b, 0f, c);
                float[] got = new float[4];
                INSTANCE.download(c, got);
                if (!Arrays.equals(got, PROBE_C))
                    throw new IllegalStateException("a 2x2 gemm gave " + Arrays.toString(got) + " instead of " + Arrays.toString(PROBE_C));
            } finally {
                INSTANCE.free(a);
                INSTANCE.free(b);
                INSTANCE.free(c);
            }
            return null;
        } catch (Throwable t) {
            String why = String.valueOf(t.getMessage()).strip().replaceAll("\\.$", "");
            return new IllegalStateException("The cpu backend's native library (" + NativeLoader.loadedFrom()
                    + ") failed its self-test (" + t.getClass().getSimpleName() + ": " + why
                    + "); rebuild it with ./hhnn build or mvn -q package from the repo root.", t);
        }
    }

    @Override public String name() { return "cpu"; }

    // ---- argument checks --------------------------------------------------------------------

    // The address of b after checking it is a live cpu buffer of at least need floats.
    static long addr(String primitive, String name, Buffer b, long need, String formula) {
        if (b == null) throw new IllegalArgumentException(primitive + ": buffer " + name + " is null");
        if (!(b instanceof NativeBuffer))
            throw new IllegalArgumentException(primitive + ": buffer " + name + " is a " + b.getClass().getSimpleName()
                    + " of another backend, not a cpu NativeBuffer");
        b.checkLive();
        if (b.length < need)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " holds " + b.length
                    + " floats but " + formula + " = " + need + " are needed");
        return ((NativeBuffer) b).address;
    }

    static void nonNegative(String primitive, String what, long v) {
        if (v < 0) throw new IllegalArgumentException(primitive + ": " + what + " must be >= 0, got " + v);
    }

    static void matrix(String primitive, int rows, int cols) {
        nonNegative(primitive, "rows", rows);
        nonNegative(primitive, "cols", cols);
    }

    static void labels(String primitive, int[] labels, int rows) {
        if (labels == null) throw new IllegalArgumentException(primitive + ": labels is null");
        if (labels.length < rows)
            throw new IllegalArgumentException(primitive + ": labels holds " + labels.length + " entries but rows = " + rows);
    }

    // ---- memory -----------------------------------------------------------------------------

    @Override public Buffer alloc(long n) {
        nonNegative("alloc", "n", n);
        return new NativeBuffer(n, CpuNative.alloc(n, true));
    }

    /** Skips the zero fill: for outputs a primitive overwrites entirely. */
    @Override public Buffer allocUninitialized(long n) {
        nonNegative("allocUninitialized", "n", n);
        return new NativeBuffer(n, CpuNative.alloc(n, false));
    }

    @Override public void free(Buffer b) {
        if (b == null) return;
        if (!(b instanceof NativeBuffer))
            throw new IllegalArgumentException("free: " + b.getClass().getSimpleName() + " is not a cpu NativeBuffer");
        if (b.markFreed()) CpuNative.free(((NativeBuffer) b).address, b.length);
    }

    @Override public void upload(float[] src, Buffer dst) {
        Objects.requireNonNull(src, "upload: src");
        CpuNative.upload(src, addr("upload", "dst", dst, src.length, "src.length"));
    }

    @Override public void download(Buffer src, float[] dst) {
        Objects.requireNonNull(dst, "download: dst");
        CpuNative.download(addr("download", "src", src, dst.length, "dst.length"), dst);
    }

    @Override public void copy(Buffer src, long srcOff, Buffer dst, long dstOff, long n) {
        nonNegative("copy", "srcOff", srcOff);
        nonNegative("copy", "dstOff", dstOff);
        nonNegative("copy", "n", n);
        if (n > Long.MAX_VALUE - Math.max(srcOff, dstOff))
            throw new IllegalArgumentException("copy: offset + n overflows (srcOff=" + srcOff + ", dstOff=" + dstOff + ", n=" + n + ")");
        long s = addr("copy", "src", src, srcOff + n, "srcOff + n");
        long d = addr("copy", "dst", dst, dstOff + n, "dstOff + n");
        CpuNative.copy(s, srcOff, d, dstOff, n);
    }

    @Override public void fill(Buffer dst, float value, long n) {
        nonNegative("fill", "n", n);
        CpuNative.fill(addr("fill", "dst", dst, n, "n"), value, n);
    }

    // ---- linear algebra -----------------------------------------------------------------------

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        nonNegative("gemm", "m", m);
        nonNegative("gemm", "n", n);
        nonNegative("gemm", "k", k);
        long pa = addr("gemm", "a", a, (long) m * k, "m*k");
        long pb = addr("gemm", "b", b, (long) k * n, "k*n");
        long pc = addr("gemm", "c", c, (long) m * n, "m*n");
        CpuNative.gemm(transA, transB, m, n, k, alpha, pa, pb, beta, pc);
    }

    @Override public void addBias(Buffer x, Buffer bias, Buffer y, int rows, int cols) {
        matrix("addBias", rows, cols);
        long px = addr("addBias", "x", x, (long) rows * cols, "rows*cols");
        long pb = addr("addBias", "bias", bias, cols, "cols");
        long py = addr("addBias", "y", y, (long) rows * cols, "rows*cols");
        CpuNative.addBias(px, pb, py, rows, cols);
    }

    @Override public void sumRows(Buffer x, Buffer y, int rows, int cols, float beta) {
        matrix("sumRows", rows, cols);
        long px = addr("sumRows", "x", x, (long) rows * cols, "rows*cols");
        long py = addr("sumRows", "y", y, cols, "cols");
        CpuNative.sumRows(px, py, rows, cols, beta);
    }

    @Override public void sumCols(Buffer x, Buffer y, int rows, int cols, float beta) {
        matrix("sumCols", rows, cols);
        long px = addr("sumCols", "x", x, (long) rows * cols, "rows*cols");
        long py = addr("sumCols", "y", y, rows, "rows");
        CpuNative.sumCols(px, py, rows, cols, beta);
    }

    // ---- elementwise ------------------------------------------------------------------------

    @Override public void unary(UnaryOp op, Buffer x, Buffer y, long n) {
        Objects.requireNonNull(op, "unary: op");
        nonNegative("unary", "n", n);
        CpuNative.unary(op.ordinal(), addr("unary", "x", x, n, "n"), addr("unary", "y", y, n, "n"), n);
    }

    @Override public void unaryBackward(UnaryOp op, Buffer x, Buffer y, Buffer dy, Buffer dx, long n) {
        Objects.requireNonNull(op, "unaryBackward: op");
        nonNegative("unaryBackward", "n", n);
        CpuNative.unaryBackward(op.ordinal(), addr("unaryBackward", "x", x, n, "n"), addr("unaryBackward", "y", y, n, "n"),
                addr("unaryBackward", "dy", dy, n, "n"), addr("unaryBackward", "dx", dx, n, "n"), n);
    }

    @Override public void binary(BinaryOp op, Buffer a, Buffer b, Buffer out, long n) {
        Objects.requireNonNull(op, "binary: op");
        nonNegative("binary", "n", n);
        CpuNative.binary(op.ordinal(), addr("binary", "a", a, n, "n"), addr("binary", "b", b, n, "n"),
                addr("binary", "out", out, n, "n"), n);
    }

    @Override public void axpby(float alpha, Buffer x, float beta, Buffer y, long n) {
        nonNegative("axpby", "n", n);
        CpuNative.axpby(alpha, addr("axpby", "x", x, n, "n"), beta, addr("axpby", "y", y, n, "n"), n);
    }

    @Override public double sumSquares(Buffer x, long n) {
        nonNegative("sumSquares", "n", n);
        return CpuNative.sumSquares(addr("sumSquares", "x", x, n, "n"), n);
    }

    @Override public double sum(Buffer x, long n) {
        nonNegative("sum", "n", n);
        return CpuNative.sum(addr("sum", "x", x, n, "n"), n);
    }

    // ---- losses and regularisation ------------------------------------------------------------

    @Override public void softmaxCrossEntropy(Buffer logits, int[] labels, Buffer probs, Buffer loss, int rows, int cols) {
        String p = "softmaxCrossEntropy";
        matrix(p, rows, cols);
        labels(p, labels, rows);
        long pl = addr(p, "logits", logits, (long) rows * cols, "rows*cols");
        long pp = addr(p, "probs", probs, (long) rows * cols, "rows*cols");
        long po = addr(p, "loss", loss, rows, "rows");
        CpuNative.softmaxCrossEntropy(pl, labels, pp, po, rows, cols);   // labels are range-checked natively
    }

    @Override public void softmaxCrossEntropyBackward(Buffer probs, int[] labels, float scale, Buffer dlogits, int rows, int cols) {
        String p = "softmaxCrossEntropyBackward";
        matrix(p, rows, cols);
        labels(p, labels, rows);
        long pp = addr(p, "probs", probs, (long) rows * cols, "rows*cols");
        long pd = addr(p, "dlogits", dlogits, (long) rows * cols, "rows*cols");
        CpuNative.softmaxCrossEntropyBackward(pp, labels, scale, pd, rows, cols);
    }

    @Override public void dropout(Buffer x, Buffer mask, Buffer y, float p, long seed, long n) {
        nonNegative("dropout", "n", n);
        CpuNative.dropout(addr("dropout", "x", x, n, "n"), addr("dropout", "mask", mask, n, "n"),
                addr("dropout", "y", y, n, "n"), p, seed, n);
    }

    @Override public void layerNorm(Buffer x, Buffer gamma, Buffer beta, Buffer y, Buffer mean, Buffer rstd,
                                    int rows, int cols, float eps) {
        String p = "layerNorm";
        matrix(p, rows, cols);
        long rc = (long) rows * cols;
        CpuNative.layerNorm(addr(p, "x", x, rc, "rows*cols"), addr(p, "gamma", gamma, cols, "cols"),
                addr(p, "beta", beta, cols, "cols"), addr(p, "y", y, rc, "rows*cols"),
                addr(p, "mean", mean, rows, "rows"), addr(p, "rstd", rstd, rows, "rows"), rows, cols, eps);
    }

    @Override public void layerNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                            Buffer dx, Buffer dgamma, Buffer dbeta, int rows, int cols) {
        String p = "layerNormBackward";
        matrix(p, rows, cols);
        long rc = (long) rows * cols;
        CpuNative.layerNormBackward(addr(p, "x", x, rc, "rows*cols"), addr(p, "gamma", gamma, cols, "cols"),
                addr(p, "mean", mean, rows, "rows"), addr(p, "rstd", rstd, rows, "rows"),
                addr(p, "dy", dy, rc, "rows*cols"), addr(p, "dx", dx, rc, "rows*cols"),
                addr(p, "dgamma", dgamma, cols, "cols"), addr(p, "dbeta", dbeta, cols, "cols"), rows, cols);
    }

    // ---- fused optimizer updates ----------------------------------------------------------------

    @Override public void sgdUpdate(Buffer param, Buffer grad, Buffer velocity, long n,
                                    float lr, float momentum, float weightDecay, boolean nesterov) {
        String p = "sgdUpdate";
        nonNegative(p, "n", n);
        if (momentum != 0f && velocity == null)
            throw new IllegalArgumentException(p + ": momentum = " + momentum + " needs a velocity buffer");
        long pv = momentum != 0f ? addr(p, "velocity", velocity, n, "n") : 0L;
        CpuNative.sgdUpdate(addr(p, "param", param, n, "n"), addr(p, "grad", grad, n, "n"), pv, n,
                lr, momentum, weightDecay, nesterov);
    }

    @Override public void adamUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                     float lr, float beta1, float beta2, float eps, float weightDecay,
                                     boolean decoupled, int step) {
        String p = "adamUpdate";
        nonNegative(p, "n", n);
        if (step < 1) throw new IllegalArgumentException(p + ": step is 1-based, got " + step);
        CpuNative.adamUpdate(addr(p, "param", param, n, "n"), addr(p, "grad", grad, n, "n"),
                addr(p, "m", m, n, "n"), addr(p, "v", v, n, "n"), n,
                lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    // ---- HH window and Legendre: validated and called in CpuHh / CpuLegendre ----------------

    @Override public void hhForward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                    Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons) {
        CpuHh.forward(spec, state, current, cond, stateOut, basisSum, spikes, batch, neurons);
    }

    @Override public void hhBackward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                     Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                                     Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons) {
        CpuHh.backward(spec, state, current, cond, dStateOut, dBasisSum, dSpikes, dState, dCurrent, dCond, batch, neurons);
    }

    @Override public void legendreForward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        CpuLegendre.forward(x, coeffs, y, rows, cols, degree);
    }

    @Override public void legendreBackward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs, int rows, int cols, int degree) {
        CpuLegendre.backward(x, coeffs, dy, dx, dCoeffs, rows, cols, degree);
    }

    @Override public void legendreBasis(Buffer x, Buffer basis, int rows, int cols, int degree) {
        CpuLegendre.basis(x, basis, rows, cols, degree);
    }

    @Override public void legendreBasisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        CpuLegendre.basisBackward(x, dBasis, dx, rows, cols, degree);
    }

    @Override public void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        CpuLegendre.neuronReadout(basis, coeffs, y, batch, neurons, k);
    }

    @Override public void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis, Buffer dCoeffs, int batch, int neurons, int k) {
        CpuLegendre.neuronReadoutBackward(basis, coeffs, dy, dBasis, dCoeffs, batch, neurons, k);
    }

    // ---- convolution, pooling, normalisation, concat (modulated networks, part A) -------------

    @Override public void im2col(org.hhnn.backend.ConvGeom g, Buffer x, Buffer cols) { CpuConv.im2col(g, x, cols); }
    @Override public void col2im(org.hhnn.backend.ConvGeom g, Buffer cols, Buffer x) { CpuConv.col2im(g, cols, x); }
    @Override public void conv2d(org.hhnn.backend.ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y) {
        CpuConv.conv2d(g, outChannels, x, w, bias, y);
    }
    @Override public void conv2dBackward(org.hhnn.backend.ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer dy, Buffer dx,
                                         Buffer dw, Buffer dbias) {
        CpuConv.conv2dBackward(g, outChannels, x, w, dy, dx, dw, dbias);
    }
    @Override public void swapAxes(Buffer x, Buffer y, int a, int b, int inner) { CpuConv.swapAxes(x, y, a, b, inner); }
    @Override public void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) { CpuConv.addChannelBias(x, bias, y, outer, channels, inner); }
    @Override public void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) { CpuConv.sumChannels(x, y, outer, channels, inner, beta); }
    @Override public void maxPool(org.hhnn.backend.ConvGeom g, Buffer x, Buffer y, Buffer argmax) { CpuConv.maxPool(g, x, y, argmax); }
    @Override public void maxPoolBackward(org.hhnn.backend.ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) { CpuConv.maxPoolBackward(g, dy, argmax, dx); }
    @Override public void avgPool(org.hhnn.backend.ConvGeom g, Buffer x, Buffer y) { CpuConv.avgPool(g, x, y); }
    @Override public void avgPoolBackward(org.hhnn.backend.ConvGeom g, Buffer dy, Buffer dx) { CpuConv.avgPoolBackward(g, dy, dx); }

    @Override public void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean, Buffer rstd,
                                    int outer, int channels, int inner, float momentum, float eps, boolean training) {
        CpuConv.batchNorm(x, gamma, beta, runMean, runVar, y, mean, rstd, outer, channels, inner, momentum, eps, training);
    }

    @Override public void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                            Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        CpuConv.batchNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, outer, channels, inner);
    }

    @Override public void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) { CpuConv.concatChannels(a, b, y, outer, ca, cb, inner); }
    @Override public void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) { CpuConv.splitChannels(y, a, b, outer, ca, cb, inner); }

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -------------
    // Validated and called in CpuModulated.

    @Override public void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out, int outer, int channels, int inner) {
        CpuModulated.modActForward(act, modAct, v, u, out, outer, channels, inner);
    }

    @Override public void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                                         int outer, int channels, int inner) {
        CpuModulated.modActBackward(act, modAct, v, u, dout, dv, du, outer, channels, inner);
    }

    @Override public void lstmCellForward(org.hhnn.backend.LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev,
                                          Buffer mask, Buffer c, Buffer h, int batch, int hidden) {
        CpuModulated.lstmCellForward(cell, modAct, gates, cPrev, hPrev, mask, c, h, batch, hidden);
    }

    @Override public void lstmCellBackward(org.hhnn.backend.LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask,
                                           Buffer dc, Buffer dh, Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        CpuModulated.lstmCellBackward(cell, modAct, gates, cPrev, mask, dc, dh, dGates, dcPrev, dhPrev, batch, hidden);
    }

    @Override public void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        CpuModulated.embeddingForward(table, ids, out, n, vocab, dim);
    }

    @Override public void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        CpuModulated.embeddingBackward(ids, dOut, dTable, n, vocab, dim);
    }
}
