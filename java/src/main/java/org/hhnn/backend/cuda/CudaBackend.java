package org.hhnn.backend.cuda;

import java.util.Arrays;
import java.util.Objects;
import org.hhnn.backend.Backend;
import org.hhnn.backend.BackendUnavailableException;
import org.hhnn.backend.BinaryOp;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.UnaryOp;

/**
 * The cuda backend: every primitive as a launch of a {@code kernels/*.cu} kernel (gemm through cuBLAS) over a
 * {@link Device}. Two instances: {@link #get()} on the real GPU ({@link JCudaDevice}, {@code --backend cuda}) and
 * {@link #emulated()} on the CPU ({@link EmulatedDevice}, {@code --backend cuda-emulated}), which runs the same kernel
 * sources, so CI checks every kernel without a GPU. Semantics are {@link org.hhnn.backend.ReferenceBackend}'s,
 * checked by {@code CudaEmulatedParityTest}. Every argument is validated here, before any launch, exactly as
 * {@link org.hhnn.backend.cpu.CpuBackend} does: mistakes become IllegalArgumentExceptions naming the primitive, the
 * buffer and the sizes, and kernels never see a buffer shorter than they index.
 *
 * <p>Row-major gemm maps onto column-major cuBLAS without copies: C^T = op(B)^T op(A)^T. Scratch memory (float64
 * partial sums, labels, the HH window's per-step states) comes from the device's caching allocator per call.
 * TF32 gemm: {@link #setTf32} or -Dhhnn.cuda.tf32=true.
 */
public final class CudaBackend implements Backend {

    // ---- availability -----------------------------------------------------------------------------------------

    private static final Object LOCK = new Object();
    private static boolean gpuProbed, emuProbed;
    private static CudaBackend gpu, emu;
    private static Throwable gpuFailure, emuFailure;   // message = the cause alone

    /** Whether a real NVIDIA GPU is usable here (driver, device, kernels, a 2x2 gemm self-test); probed once. */
    public static boolean isAvailable() { return probeGpu() == null; }

    /** Null when available, else the cause in one phrase, e.g. "no libcuda.so.1 (no NVIDIA driver)". */
    public static String unavailabilityCause() {
        Throwable t = probeGpu();
        return t == null ? null : t.getMessage();
    }

    /** The backend on the GPU; throws BackendUnavailableException (one sentence) when there is none usable. */
    public static CudaBackend get() {
        Throwable t = probeGpu();
        if (t != null)
            throw new BackendUnavailableException("The cuda backend is not available here: " + t.getMessage()
                    + "; use --backend cpu, or --backend cuda-emulated to run the CUDA kernels on the CPU.", t);
        return gpu;
    }

    /** Whether the emulated backend works here (it needs libhhnn, as the cpu backend does); probed once. */
    public static boolean isEmulatedAvailable() { return probeEmulated() == null; }

    public static String emulatedUnavailabilityCause() {
        Throwable t = probeEmulated();
        return t == null ? null : t.getMessage();
    }

    /** The backend on the emulated device; throws BackendUnavailableException (one sentence) without libhhnn. */
    public static CudaBackend emulated() {
        Throwable t = probeEmulated();
        if (t != null) throw new BackendUnavailableException("The cuda-emulated backend is not available here: " + t.getMessage() + ".", t);
        return emu;
    }

    private static Throwable probeGpu() {
        synchronized (LOCK) {
            if (!gpuProbed) {
                gpuProbed = true;
                try {
                    gpu = selfTested(new CudaBackend(CudaProbe.open()));
                } catch (Throwable t) {
                    gpuFailure = t instanceof CudaProbe.CudaUnavailableException ? t
                            : new CudaProbe.CudaUnavailableException("the GPU failed its self-test (" + CudaProbe.firstLine(t) + ")", t);
                }
            }
            return gpuFailure;
        }
    }

    private static Throwable probeEmulated() {
        synchronized (LOCK) {
            if (!emuProbed) {
                emuProbed = true;
                try {
                    emu = selfTested(new CudaBackend(new EmulatedDevice()));
                } catch (Throwable t) {
                    String m = CudaProbe.firstLine(t);
                    emuFailure = new IllegalStateException(t instanceof UnsatisfiedLinkError ? m
                            : "the emulated device failed its self-test (" + t.getClass().getSimpleName() + ": " + m + ")", t);
                }
            }
            return emuFailure;
        }
    }

    // One tiny real run through the path every primitive takes: upload, a kernel, cuBLAS gemm (NaN in C, beta = 0), download.
    private static CudaBackend selfTested(CudaBackend b) {
        float[] want = {19, 22, 43, 50};
        Buffer x = b.alloc(4), y = b.alloc(4), c = b.alloc(4);
        try {
            b.upload(new float[] {1, 2, 3, 4}, x);
            b.upload(new float[] {5, 6, 7, 8}, y);
            b.fill(c, Float.NaN, 4);
            b.gemm(false, false, 2, 2, 2, 1f, x, y, 0f, c);
            float[] got = new float[4];
            b.download(c, got);
            if (!Arrays.equals(got, want))
                throw new IllegalStateException("a 2x2 gemm gave " + Arrays.toString(got) + " instead of " + Arrays.toString(want));
        } finally {
            b.free(x);
            b.free(y);
            b.free(c);
        }
        return b;
    }

    // ---- the backend ------------------------------------------------------------------------------------------

    private final Device device;

    /** A backend over any device (tests build one over {@code new EmulatedDevice(true)}). */
    public CudaBackend(Device device) {
        this.device = Objects.requireNonNull(device, "device");
        if (Boolean.getBoolean("hhnn.cuda.tf32")) device.setTf32(true);
    }

    public Device device() { return device; }

    /** Lets gemm use TF32 tensor cores (about 8x the float32 rate on A100/H100, 10-bit mantissa inputs). */
    public void setTf32(boolean on) { device.setTf32(on); }

    @Override public String name() { return device.name(); }

    @Override public String toString() { return name() + ": " + device.describe(); }

    // ---- argument checks (as CpuBackend's) ------------------------------------------------------------------

    // The device address of b after checking it is a live buffer of this backend holding at least need floats.
    private long addr(String primitive, String name, Buffer b, long need, String formula) {
        if (b == null) throw new IllegalArgumentException(primitive + ": buffer " + name + " is null");
        if (!(b instanceof DeviceBuffer) || ((DeviceBuffer) b).device != device)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " is a " + b.getClass().getSimpleName()
                    + " of another backend, not a " + name() + " DeviceBuffer");
        b.checkLive();
        if (b.length < need)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " holds " + b.length
                    + " floats but " + formula + " = " + need + " are needed");
        return ((DeviceBuffer) b).address;
    }

    private static void nonNegative(String primitive, String what, long v) {
        if (v < 0) throw new IllegalArgumentException(primitive + ": " + what + " must be >= 0, got " + v);
    }

    private static void matrix(String primitive, int rows, int cols) {
        nonNegative(primitive, "rows", rows);
        nonNegative(primitive, "cols", cols);
    }

    private static void labels(String primitive, int[] labels, int rows) {
        if (labels == null) throw new IllegalArgumentException(primitive + ": labels is null");
        if (labels.length < rows)
            throw new IllegalArgumentException(primitive + ": labels holds " + labels.length + " entries but rows = " + rows);
    }

    private void launch(String kernel, long count, KernelArgs args) {
        if (count > 0) device.launch(kernel, LaunchConfig.forCount(count), args);
    }

    /** Labels on the device (rows ints); the caller frees the address. */
    private long uploadLabels(int[] labels, int rows) {
        long p = device.alloc(4L * Math.max(rows, 1));
        device.upload(labels, rows, p);
        return p;
    }

    // ---- memory -----------------------------------------------------------------------------------------------

    @Override public Buffer alloc(long n) {
        nonNegative("alloc", "n", n);
        if (n > Long.MAX_VALUE / 4) throw new OutOfMemoryError(name() + ": cannot allocate " + n + " floats");
        long p = device.alloc(4 * Math.max(n, 1));
        if (n > 0) device.memsetZero(p, 4 * n);
        return new DeviceBuffer(device, n, p);
    }

    @Override public void free(Buffer b) {
        if (b == null) return;
        if (!(b instanceof DeviceBuffer) || ((DeviceBuffer) b).device != device)
            throw new IllegalArgumentException("free: " + b.getClass().getSimpleName() + " is not a " + name() + " DeviceBuffer");
        if (b.markFreed()) device.free(((DeviceBuffer) b).address);
    }

    @Override public void upload(float[] src, Buffer dst) {
        Objects.requireNonNull(src, "upload: src");
        device.upload(src, addr("upload", "dst", dst, src.length, "src.length"));
    }

    @Override public void download(Buffer src, float[] dst) {
        Objects.requireNonNull(dst, "download: dst");
        device.download(addr("download", "src", src, dst.length, "dst.length"), dst);
    }

    @Override public void copy(Buffer src, long srcOff, Buffer dst, long dstOff, long n) {
        nonNegative("copy", "srcOff", srcOff);
        nonNegative("copy", "dstOff", dstOff);
        nonNegative("copy", "n", n);
        if (n > Long.MAX_VALUE - Math.max(srcOff, dstOff))
            throw new IllegalArgumentException("copy: offset + n overflows (srcOff=" + srcOff + ", dstOff=" + dstOff + ", n=" + n + ")");
        long s = addr("copy", "src", src, srcOff + n, "srcOff + n") + 4 * srcOff;
        long d = addr("copy", "dst", dst, dstOff + n, "dstOff + n") + 4 * dstOff;
        if (n == 0 || s == d) return;
        long bytes = 4 * n;
        if (s < d + bytes && d < s + bytes) {   // overlapping ranges of one buffer: as System.arraycopy, through a temporary
            long tmp = device.alloc(bytes);
            try {
                device.copy(s, tmp, bytes);
                device.copy(tmp, d, bytes);
            } finally {
                device.free(tmp);
            }
        } else {
            device.copy(s, d, bytes);
        }
    }

    @Override public void fill(Buffer dst, float value, long n) {
        nonNegative("fill", "n", n);
        long p = addr("fill", "dst", dst, n, "n");
        launch("hhnn_fill_f32", n, KernelArgs.of().ptr(p).f32(value).i64(n));
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        nonNegative("gemm", "m", m);
        nonNegative("gemm", "n", n);
        nonNegative("gemm", "k", k);
        long pa = addr("gemm", "a", a, (long) m * k, "m*k");
        long pb = addr("gemm", "b", b, (long) k * n, "k*n");
        long pc = addr("gemm", "c", c, (long) m * n, "m*n");
        long mn = (long) m * n;
        if (mn == 0) return;
        if (k == 0) {   // an empty product: C = beta C (a leading dimension of 0 is not valid for cuBLAS)
            if (beta == 0f) launch("hhnn_fill_f32", mn, KernelArgs.of().ptr(pc).f32(0f).i64(mn));
            else launch("hhnn_axpby_f32", mn, KernelArgs.of().f32(beta).ptr(pc).f32(0f).ptr(pc).i64(mn));
            return;
        }
        // Row-major C (m x n) is column-major C^T (n x m) = op(B)^T op(A)^T, and the row-major buffers of A and B
        // read column-major are A^T and B^T: so cuBLAS gets B first, with the same transpose flags and leading
        // dimensions a row-major BLAS would take.
        int lda = transA ? m : k, ldb = transB ? k : n;
        device.gemm(transB, transA, n, m, k, alpha, pb, ldb, pa, lda, beta, pc, n);
    }

    @Override public void addBias(Buffer x, Buffer bias, Buffer y, int rows, int cols) {
        matrix("addBias", rows, cols);
        long rc = (long) rows * cols;
        long px = addr("addBias", "x", x, rc, "rows*cols");
        long pb = addr("addBias", "bias", bias, cols, "cols");
        long py = addr("addBias", "y", y, rc, "rows*cols");
        launch("hhnn_add_bias_f32", rc, KernelArgs.of().ptr(px).ptr(pb).ptr(py).i32(rows).i32(cols));
    }

    @Override public void sumRows(Buffer x, Buffer y, int rows, int cols, float beta) {
        matrix("sumRows", rows, cols);
        long px = addr("sumRows", "x", x, (long) rows * cols, "rows*cols");
        long py = addr("sumRows", "y", y, cols, "cols");
        launch("hhnn_sum_rows_f32", cols, KernelArgs.of().ptr(px).ptr(py).i32(rows).i32(cols).f32(beta));
    }

    @Override public void sumCols(Buffer x, Buffer y, int rows, int cols, float beta) {
        matrix("sumCols", rows, cols);
        long px = addr("sumCols", "x", x, (long) rows * cols, "rows*cols");
        long py = addr("sumCols", "y", y, rows, "rows");
        launch("hhnn_sum_cols_f32", rows, KernelArgs.of().ptr(px).ptr(py).i32(rows).i32(cols).f32(beta));
    }

    // ---- elementwise ----------------------------------------------------------------------------------------------

    @Override public void unary(UnaryOp op, Buffer x, Buffer y, long n) {
        Objects.requireNonNull(op, "unary: op");
        nonNegative("unary", "n", n);
        long px = addr("unary", "x", x, n, "n"), py = addr("unary", "y", y, n, "n");
        launch("hhnn_unary_f32", n, KernelArgs.of().i32(op.ordinal()).ptr(px).ptr(py).i64(n));
    }

    @Override public void unaryBackward(UnaryOp op, Buffer x, Buffer y, Buffer dy, Buffer dx, long n) {
        Objects.requireNonNull(op, "unaryBackward: op");
        String p = "unaryBackward";
        nonNegative(p, "n", n);
        long px = addr(p, "x", x, n, "n"), py = addr(p, "y", y, n, "n");
        long pdy = addr(p, "dy", dy, n, "n"), pdx = addr(p, "dx", dx, n, "n");
        launch("hhnn_unary_backward_f32", n, KernelArgs.of().i32(op.ordinal()).ptr(px).ptr(py).ptr(pdy).ptr(pdx).i64(n));
    }

    @Override public void binary(BinaryOp op, Buffer a, Buffer b, Buffer out, long n) {
        Objects.requireNonNull(op, "binary: op");
        nonNegative("binary", "n", n);
        long pa = addr("binary", "a", a, n, "n"), pb = addr("binary", "b", b, n, "n"), po = addr("binary", "out", out, n, "n");
        launch("hhnn_binary_f32", n, KernelArgs.of().i32(op.ordinal()).ptr(pa).ptr(pb).ptr(po).i64(n));
    }

    @Override public void axpby(float alpha, Buffer x, float beta, Buffer y, long n) {
        nonNegative("axpby", "n", n);
        long px = addr("axpby", "x", x, n, "n"), py = addr("axpby", "y", y, n, "n");
        launch("hhnn_axpby_f32", n, KernelArgs.of().f32(alpha).ptr(px).f32(beta).ptr(py).i64(n));
    }

    @Override public double sumSquares(Buffer x, long n) {
        nonNegative("sumSquares", "n", n);
        return reduce(true, addr("sumSquares", "x", x, n, "n"), n);
    }

    @Override public double sum(Buffer x, long n) {
        nonNegative("sum", "n", n);
        return reduce(false, addr("sum", "x", x, n, "n"), n);
    }

    /** Chunk of stage 2 of the float64 reductions (kernels/reduce.cu). */
    static final int REDUCE_CHUNK = 256;

    // kernels/reduce.cu: stage 1 to one double per thread of forCount(n), then chunks of 256 until one is left.
    private double reduce(boolean squares, long px, long n) {
        if (n == 0) return 0.0;
        LaunchConfig cfg = LaunchConfig.forCount(n);
        long len = cfg.threads();
        long cur = device.alloc(8 * len);   // (len) doubles
        try {
            device.launch("hhnn_reduce_partial_f32", cfg, KernelArgs.of().i32(squares).ptr(px).i64(n).ptr(cur));
            while (len > 1) {
                long chunks = (len + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
                long next = device.alloc(8 * chunks);   // (chunks) doubles
                try {
                    device.launch("hhnn_reduce_chunks_f64", LaunchConfig.forCount(chunks),
                            KernelArgs.of().ptr(cur).i64(len).i64(REDUCE_CHUNK).ptr(next));
                } catch (RuntimeException | Error e) {
                    device.free(next);
                    throw e;
                }
                device.free(cur);
                cur = next;
                len = chunks;
            }
            double[] out = new double[1];
            device.download(cur, out);
            return out[0];
        } finally {
            device.free(cur);
        }
    }

    // ---- losses and regularisation ----------------------------------------------------------------------------

    @Override public void softmaxCrossEntropy(Buffer logits, int[] labels, Buffer probs, Buffer loss, int rows, int cols) {
        String p = "softmaxCrossEntropy";
        matrix(p, rows, cols);
        labels(p, labels, rows);
        long pl = addr(p, "logits", logits, (long) rows * cols, "rows*cols");
        long pp = addr(p, "probs", probs, (long) rows * cols, "rows*cols");
        long po = addr(p, "loss", loss, rows, "rows");
        for (int r = 0; r < rows; r++)   // before any launch, so a bad batch leaves the outputs untouched
            if (labels[r] < 0 || labels[r] >= cols)
                throw new IllegalArgumentException(p + ": label " + labels[r] + " at row " + r + " is outside [0, " + cols + ")");
        if (rows == 0) return;
        long lab = uploadLabels(labels, rows);
        try {
            launch("hhnn_softmax_xent_f32", rows, KernelArgs.of().ptr(pl).ptr(lab).ptr(pp).ptr(po).i32(rows).i32(cols));
        } finally {
            device.free(lab);
        }
    }

    @Override public void softmaxCrossEntropyBackward(Buffer probs, int[] labels, float scale, Buffer dlogits, int rows, int cols) {
        String p = "softmaxCrossEntropyBackward";
        matrix(p, rows, cols);
        labels(p, labels, rows);
        long pp = addr(p, "probs", probs, (long) rows * cols, "rows*cols");
        long pd = addr(p, "dlogits", dlogits, (long) rows * cols, "rows*cols");
        if ((long) rows * cols == 0) return;
        long lab = uploadLabels(labels, rows);   // as the reference, a label outside [0, cols) matches no column
        try {
            launch("hhnn_softmax_xent_backward_f32", (long) rows * cols,
                    KernelArgs.of().ptr(pp).ptr(lab).f32(scale).ptr(pd).i32(rows).i32(cols));
        } finally {
            device.free(lab);
        }
    }

    @Override public void dropout(Buffer x, Buffer mask, Buffer y, float p, long seed, long n) {
        nonNegative("dropout", "n", n);
        long px = addr("dropout", "x", x, n, "n"), pm = addr("dropout", "mask", mask, n, "n"), py = addr("dropout", "y", y, n, "n");
        float keep = (float) (1.0 / (1.0 - (double) p));   // rounded once, as the reference
        launch("hhnn_dropout_f32", n, KernelArgs.of().ptr(px).ptr(pm).ptr(py).f32(p).f32(keep).i64(seed).i64(n));
    }

    @Override public void layerNorm(Buffer x, Buffer gamma, Buffer beta, Buffer y, Buffer mean, Buffer rstd,
                                    int rows, int cols, float eps) {
        String p = "layerNorm";
        matrix(p, rows, cols);
        long rc = (long) rows * cols;
        KernelArgs args = KernelArgs.of().ptr(addr(p, "x", x, rc, "rows*cols")).ptr(addr(p, "gamma", gamma, cols, "cols"))
                .ptr(addr(p, "beta", beta, cols, "cols")).ptr(addr(p, "y", y, rc, "rows*cols"))
                .ptr(addr(p, "mean", mean, rows, "rows")).ptr(addr(p, "rstd", rstd, rows, "rows")).i32(rows).i32(cols).f32(eps);
        launch("hhnn_layer_norm_f32", rows, args);
    }

    @Override public void layerNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                            Buffer dx, Buffer dgamma, Buffer dbeta, int rows, int cols) {
        String p = "layerNormBackward";
        matrix(p, rows, cols);
        long rc = (long) rows * cols;
        long px = addr(p, "x", x, rc, "rows*cols"), pg = addr(p, "gamma", gamma, cols, "cols");
        long pmu = addr(p, "mean", mean, rows, "rows"), prs = addr(p, "rstd", rstd, rows, "rows");
        long pdy = addr(p, "dy", dy, rc, "rows*cols"), pdx = addr(p, "dx", dx, rc, "rows*cols");
        long pdg = addr(p, "dgamma", dgamma, cols, "cols"), pdb = addr(p, "dbeta", dbeta, cols, "cols");
        // Column sums first, then dx: even dx aliasing dy would be safe (as native/).
        launch("hhnn_layer_norm_param_grads_f32", rows == 0 ? 0 : cols,
                KernelArgs.of().ptr(px).ptr(pmu).ptr(prs).ptr(pdy).ptr(pdg).ptr(pdb).i32(rows).i32(cols));
        launch("hhnn_layer_norm_backward_f32", cols == 0 ? 0 : rows,
                KernelArgs.of().ptr(px).ptr(pg).ptr(pmu).ptr(prs).ptr(pdy).ptr(pdx).i32(rows).i32(cols));
    }

    // ---- fused optimizer updates --------------------------------------------------------------------------------

    @Override public void sgdUpdate(Buffer param, Buffer grad, Buffer velocity, long n,
                                    float lr, float momentum, float weightDecay, boolean nesterov) {
        String p = "sgdUpdate";
        nonNegative(p, "n", n);
        if (momentum != 0f && velocity == null)
            throw new IllegalArgumentException(p + ": momentum = " + momentum + " needs a velocity buffer");
        long pv = momentum != 0f ? addr(p, "velocity", velocity, n, "n") : 0L;
        long pp = addr(p, "param", param, n, "n"), pg = addr(p, "grad", grad, n, "n");
        launch("hhnn_sgd_f32", n, KernelArgs.of().ptr(pp).ptr(pg).ptr(pv).i64(n).f32(lr).f32(momentum).f32(weightDecay).i32(nesterov));
    }

    @Override public void adamUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                     float lr, float beta1, float beta2, float eps, float weightDecay,
                                     boolean decoupled, int step) {
        String p = "adamUpdate";
        nonNegative(p, "n", n);
        if (step < 1) throw new IllegalArgumentException(p + ": step is 1-based, got " + step);
        long pp = addr(p, "param", param, n, "n"), pg = addr(p, "grad", grad, n, "n");
        long pm = addr(p, "m", m, n, "n"), pv = addr(p, "v", v, n, "n");
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        launch("hhnn_adam_f32", n, KernelArgs.of().ptr(pp).ptr(pg).ptr(pm).ptr(pv).i64(n).f32(lr).f32(beta1).f32(beta2)
                .f32(eps).f32(weightDecay).i32(decoupled).f64(bc1).f64(bc2));
    }

    // ---- HH window (kernels/hh.cu) -------------------------------------------------------------------------------

    /** The _kN variant of an HH kernel whose register array holds K = degree+1 readout sums (kernels/hh.cu). */
    static String hhKernel(String base, int degree) {
        int k = degree + 1;
        return base + (k <= 8 ? "_k8" : k <= 16 ? "_k16" : "_k33") + "_f32";
    }

    private static KernelArgs hhParams(HhSpec spec) {
        KernelArgs a = KernelArgs.of();
        for (float v : spec.pack()) a.f32(v);   // the thirteen scalars in kernels/hh.cuh HhParams' order
        return a;
    }

    @Override public void hhForward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                    Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons) {
        String p = "hhForward";
        long bm = hhShape(p, spec, batch, neurons), k = spec.degree() + 1;
        KernelArgs args = hhParams(spec).ptr(addr(p, "state", state, bm * 4, "batch*neurons*4"))
                .ptr(addr(p, "current", current, bm, "batch*neurons"))
                .ptr(cond == null ? 0L : addr(p, "cond", cond, 3L * neurons, "neurons*3"))
                .ptr(addr(p, "stateOut", stateOut, bm * 4, "batch*neurons*4"))
                .ptr(addr(p, "basisSum", basisSum, bm * k, "batch*neurons*(degree+1)"))
                .ptr(addr(p, "spikes", spikes, bm, "batch*neurons")).i32(batch).i32(neurons);
        launch(hhKernel("hhnn_hh_forward", spec.degree()), bm, args);
    }

    @Override public void hhBackward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                     Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                                     Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons) {
        String p = "hhBackward";
        long bm = hhShape(p, spec, batch, neurons), k = spec.degree() + 1;
        if (dCond != null && cond == null)
            throw new IllegalArgumentException(p + ": dCond was given but cond is null "
                    + "(there is no gradient with respect to the spec's default conductances)");
        KernelArgs args = hhParams(spec).ptr(addr(p, "state", state, bm * 4, "batch*neurons*4"))
                .ptr(addr(p, "current", current, bm, "batch*neurons"))
                .ptr(cond == null ? 0L : addr(p, "cond", cond, 3L * neurons, "neurons*3"))
                .ptr(dStateOut == null ? 0L : addr(p, "dStateOut", dStateOut, bm * 4, "batch*neurons*4"))
                .ptr(dBasisSum == null ? 0L : addr(p, "dBasisSum", dBasisSum, bm * k, "batch*neurons*(degree+1)"))
                .ptr(dSpikes == null ? 0L : addr(p, "dSpikes", dSpikes, bm, "batch*neurons"))
                .ptr(addr(p, "dState", dState, bm * 4, "batch*neurons*4"))
                .ptr(addr(p, "dCurrent", dCurrent, bm, "batch*neurons"));
        long pdc = dCond == null ? 0L : addr(p, "dCond", dCond, 3L * neurons, "neurons*3");
        if (bm == 0) return;
        LaunchConfig cfg = LaunchConfig.forCount(bm);
        // Scratch: the window's states (w, 4, T), T = the grid's threads (<= bm + 255: each thread reuses its column for
        // every neuron it handles), and
        // the per-(b, j) conductance gradients (B, M, 3) doubles summed over b by a second kernel.
        long traj = device.alloc(4L * 4 * spec.steps() * cfg.threads());
        long part = dCond == null ? 0L : device.alloc(8L * 3 * bm);
        try {
            device.launch(hhKernel("hhnn_hh_backward", spec.degree()), cfg, args.ptr(part).ptr(traj).i32(batch).i32(neurons));
            if (dCond != null)
                launch("hhnn_hh_cond_grad_f32", neurons, KernelArgs.of().ptr(part).ptr(pdc).i32(batch).i32(neurons));
        } finally {
            device.free(traj);
            if (part != 0L) device.free(part);
        }
    }

    private static long hhShape(String p, HhSpec spec, int batch, int neurons) {
        if (spec == null) throw new IllegalArgumentException(p + ": spec is null");
        nonNegative(p, "batch", batch);
        nonNegative(p, "neurons", neurons);
        return (long) batch * neurons;
    }

    // ---- Legendre activations (kernels/legendre.cu) ----------------------------------------------------------------

    // rows*cols after checking the shape (the degree has no upper bound: kernels step P_k in registers).
    private static long legendreShape(String p, int rows, int cols, int degree) {
        matrix(p, rows, cols);
        nonNegative(p, "degree", degree);
        if (degree == Integer.MAX_VALUE) throw new IllegalArgumentException(p + ": degree " + degree + " is too large");
        return (long) rows * cols;
    }

    @Override public void legendreForward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        String p = "legendreForward";
        long rc = legendreShape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        launch("hhnn_legendre_forward_f32", rc, KernelArgs.of().ptr(addr(p, "x", x, rc, "rows*cols"))
                .ptr(addr(p, "coeffs", coeffs, ck, "cols*(degree+1)")).ptr(addr(p, "y", y, rc, "rows*cols"))
                .i32(rows).i32(cols).i32(degree));
    }

    @Override public void legendreBackward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs, int rows, int cols, int degree) {
        String p = "legendreBackward";
        long rc = legendreShape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        long px = addr(p, "x", x, rc, "rows*cols"), pc = addr(p, "coeffs", coeffs, ck, "cols*(degree+1)");
        long pdy = addr(p, "dy", dy, rc, "rows*cols"), pdx = addr(p, "dx", dx, rc, "rows*cols");
        long pdc = dCoeffs == null ? 0L : addr(p, "dCoeffs", dCoeffs, ck, "cols*(degree+1)");
        // dCoeffs first (it reads dy), then dx: even dx aliasing dy would be safe.
        if (dCoeffs != null && rows > 0)
            launch("hhnn_legendre_coeff_grad_f32", ck, KernelArgs.of().ptr(px).ptr(pdy).ptr(pdc).i32(rows).i32(cols).i32(degree));
        launch("hhnn_legendre_backward_f32", rc, KernelArgs.of().ptr(px).ptr(pc).ptr(pdy).ptr(pdx).i32(rows).i32(cols).i32(degree));
    }

    @Override public void legendreBasis(Buffer x, Buffer basis, int rows, int cols, int degree) {
        String p = "legendreBasis";
        long rc = legendreShape(p, rows, cols, degree);
        launch("hhnn_legendre_basis_f32", rc * (degree + 1), KernelArgs.of().ptr(addr(p, "x", x, rc, "rows*cols"))
                .ptr(addr(p, "basis", basis, rc * (degree + 1), "rows*cols*(degree+1)")).i64(rc).i32(degree));
    }

    @Override public void legendreBasisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        String p = "legendreBasisBackward";
        long rc = legendreShape(p, rows, cols, degree);
        launch("hhnn_legendre_basis_backward_f32", rc, KernelArgs.of().ptr(addr(p, "x", x, rc, "rows*cols"))
                .ptr(addr(p, "dBasis", dBasis, rc * (degree + 1), "rows*cols*(degree+1)"))
                .ptr(addr(p, "dx", dx, rc, "rows*cols")).i64(rc).i32(degree));
    }

    private static long readoutShape(String p, int batch, int neurons, int k) {
        nonNegative(p, "batch", batch);
        nonNegative(p, "neurons", neurons);
        nonNegative(p, "k", k);
        return (long) batch * neurons;
    }

    @Override public void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        String p = "neuronReadout";
        long bm = readoutShape(p, batch, neurons, k);
        launch("hhnn_neuron_readout_f32", bm, KernelArgs.of().ptr(addr(p, "basis", basis, bm * k, "batch*neurons*k"))
                .ptr(addr(p, "coeffs", coeffs, (long) neurons * k, "neurons*k")).ptr(addr(p, "y", y, bm, "batch*neurons"))
                .i32(batch).i32(neurons).i32(k));
    }

    @Override public void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis, Buffer dCoeffs, int batch, int neurons, int k) {
        String p = "neuronReadoutBackward";
        long bm = readoutShape(p, batch, neurons, k), mk = (long) neurons * k;
        long pb = addr(p, "basis", basis, bm * k, "batch*neurons*k"), pc = addr(p, "coeffs", coeffs, mk, "neurons*k");
        long pdy = addr(p, "dy", dy, bm, "batch*neurons");
        long pdb = dBasis == null ? 0L : addr(p, "dBasis", dBasis, bm * k, "batch*neurons*k");
        long pdc = dCoeffs == null ? 0L : addr(p, "dCoeffs", dCoeffs, mk, "neurons*k");
        // dCoeffs first (it reads basis), then dBasis: even dBasis aliasing basis would be safe.
        if (dCoeffs != null && batch > 0)
            launch("hhnn_neuron_readout_dcoeffs_f32", mk, KernelArgs.of().ptr(pb).ptr(pdy).ptr(pdc).i32(batch).i32(neurons).i32(k));
        if (dBasis != null)
            launch("hhnn_neuron_readout_dbasis_f32", bm * k, KernelArgs.of().ptr(pc).ptr(pdy).ptr(pdb).i32(batch).i32(neurons).i32(k));
    }

    // ---- convolution, pooling, normalisation, concat (modulated networks, part A) -------------

    private final CudaConv conv = new CudaConv(this);   // validation and launches of kernels/conv.cu

    @Override public void im2col(org.hhnn.backend.ConvGeom g, Buffer x, Buffer cols) { conv.im2col(g, x, cols); }
    @Override public void col2im(org.hhnn.backend.ConvGeom g, Buffer cols, Buffer x) { conv.col2im(g, cols, x); }
    // No fused kernel yet: the batch im2col + cuBLAS composition (org.hhnn.backend.Im2colConv).
    @Override public void conv2d(org.hhnn.backend.ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y) {
        org.hhnn.backend.Im2colConv.forward(this, g, outChannels, x, w, bias, y);
    }
    @Override public void conv2dBackward(org.hhnn.backend.ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer dy, Buffer dx,
                                         Buffer dw, Buffer dbias) {
        org.hhnn.backend.Im2colConv.backward(this, g, outChannels, x, w, dy, dx, dw, dbias);
    }
    @Override public void swapAxes(Buffer x, Buffer y, int a, int b, int inner) { conv.swapAxes(x, y, a, b, inner); }
    @Override public void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) { conv.addChannelBias(x, bias, y, outer, channels, inner); }
    @Override public void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) { conv.sumChannels(x, y, outer, channels, inner, beta); }
    @Override public void maxPool(org.hhnn.backend.ConvGeom g, Buffer x, Buffer y, Buffer argmax) { conv.maxPool(g, x, y, argmax); }
    @Override public void maxPoolBackward(org.hhnn.backend.ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) { conv.maxPoolBackward(g, dy, argmax, dx); }
    @Override public void avgPool(org.hhnn.backend.ConvGeom g, Buffer x, Buffer y) { conv.avgPool(g, x, y); }
    @Override public void avgPoolBackward(org.hhnn.backend.ConvGeom g, Buffer dy, Buffer dx) { conv.avgPoolBackward(g, dy, dx); }

    @Override public void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean, Buffer rstd,
                                    int outer, int channels, int inner, float momentum, float eps, boolean training) {
        conv.batchNorm(x, gamma, beta, runMean, runVar, y, mean, rstd, outer, channels, inner, momentum, eps, training);
    }

    @Override public void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                            Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        conv.batchNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, outer, channels, inner);
    }

    @Override public void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) { conv.concatChannels(a, b, y, outer, ca, cb, inner); }
    @Override public void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) { conv.splitChannels(y, a, b, outer, ca, cb, inner); }

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -------------
    // Validated and launched in CudaModulated (kernels/modact.cu, lstm.cu, embedding.cu).

    @Override public void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out, int outer, int channels, int inner) {
        CudaModulated.modActForward(device, act, modAct, v, u, out, outer, channels, inner);
    }

    @Override public void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                                         int outer, int channels, int inner) {
        CudaModulated.modActBackward(device, act, modAct, v, u, dout, dv, du, outer, channels, inner);
    }

    @Override public void lstmCellForward(org.hhnn.backend.LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev,
                                          Buffer mask, Buffer c, Buffer h, int batch, int hidden) {
        CudaModulated.lstmCellForward(device, cell, modAct, gates, cPrev, hPrev, mask, c, h, batch, hidden);
    }

    @Override public void lstmCellBackward(org.hhnn.backend.LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask,
                                           Buffer dc, Buffer dh, Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        CudaModulated.lstmCellBackward(device, cell, modAct, gates, cPrev, mask, dc, dh, dGates, dcPrev, dhPrev, batch, hidden);
    }

    @Override public void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        CudaModulated.embeddingForward(device, table, ids, out, n, vocab, dim);
    }

    @Override public void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        CudaModulated.embeddingBackward(device, ids, dOut, dTable, n, vocab, dim);
    }
}
