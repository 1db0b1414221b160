package org.hhnn.backend.cuda;

import java.util.Objects;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.CheckedBackend;
import org.hhnn.backend.ConvGeom;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.ProbedBackend;

/**
 * The cuda backend: every primitive as a launch of a {@code kernels/*.cu} kernel (gemm through cuBLAS) over a
 * {@link Device}. Two instances: {@link #get()} on the real GPU ({@link JCudaDevice}, {@code --backend cuda}) and
 * {@link #emulated()} on the CPU ({@link EmulatedDevice}, {@code --backend cuda-emulated}), which runs the same kernel
 * sources, so CI checks every kernel without a GPU. Semantics are {@link org.hhnn.backend.ReferenceBackend}'s,
 * checked by {@code CudaEmulatedParityTest} and the other cuda parity runners. {@link CheckedBackend} validates every
 * argument before any launch (as for the cpu backend), so kernels never see a buffer shorter than they index; this class
 * holds only the launches.
 *
 * <p>Row-major gemm maps onto column-major cuBLAS without copies: C^T = op(B)^T op(A)^T. Scratch memory (float64
 * partial sums, labels, the HH window's per-step states) comes from the device's caching allocator per call.
 * TF32 gemm: {@link #setTf32} or -Dhhnn.cuda.tf32=true.
 */
public final class CudaBackend extends CheckedBackend {

    // ---- availability -----------------------------------------------------------------------------------------

    private static final ProbedBackend<CudaBackend> GPU = new ProbedBackend<>(() -> {
        try {
            return ProbedBackend.gemmSelfTest(new CudaBackend(CudaProbe.open()));
        } catch (Throwable t) {
            throw t instanceof CudaProbe.CudaUnavailableException ? t
                    : new CudaProbe.CudaUnavailableException("the GPU failed its self-test (" + CudaProbe.firstLine(t) + ")", t);
        }
    });
    private static final ProbedBackend<CudaBackend> EMULATED = new ProbedBackend<>(() -> {
        try {
            return ProbedBackend.gemmSelfTest(new CudaBackend(new EmulatedDevice()));
        } catch (Throwable t) {
            String m = CudaProbe.firstLine(t);
            throw new IllegalStateException(t instanceof UnsatisfiedLinkError ? m
                    : "the emulated device failed its self-test (" + t.getClass().getSimpleName() + ": " + m + ")", t);
        }
    });

    /** Whether a real NVIDIA GPU is usable here (driver, device, kernels, a 2x2 gemm self-test); probed once. */
    public static boolean isAvailable() { return GPU.isAvailable(); }

    /** Null when available, else the cause in one phrase, e.g. "no libcuda.so.1 (no NVIDIA driver)". */
    public static String unavailabilityCause() { return GPU.cause(); }

    /** The backend on the GPU; throws BackendUnavailableException (one sentence) when there is none usable. */
    public static CudaBackend get() {
        return GPU.get(cause -> "The cuda backend is not available here: " + cause
                + "; use --backend cpu, or --backend cuda-emulated to run the CUDA kernels on the CPU.");
    }

    /** Whether the emulated backend works here (it needs libhhnn, as the cpu backend does); probed once. */
    public static boolean isEmulatedAvailable() { return EMULATED.isAvailable(); }

    public static String emulatedUnavailabilityCause() { return EMULATED.cause(); }

    /** The backend on the emulated device; throws BackendUnavailableException (one sentence) without libhhnn. */
    public static CudaBackend emulated() {
        return EMULATED.get(cause -> "The cuda-emulated backend is not available here: " + cause + ".");
    }

    // ---- the backend ------------------------------------------------------------------------------------------

    private final Device device;

    /** A backend over any device (tests build one over {@code new EmulatedDevice(true)}). */
    public CudaBackend(Device device) {
        super(DeviceBuffer.class);
        this.device = Objects.requireNonNull(device, "device");
        if (Boolean.getBoolean("hhnn.cuda.tf32")) device.setTf32(true);
    }

    public Device device() { return device; }

    @Override public void synchronize() { device.synchronize(); }

    /** Lets gemm use TF32 tensor cores (about 8x the float32 rate on A100/H100, 10-bit mantissa inputs). */
    public void setTf32(boolean on) { device.setTf32(on); }

    @Override public String name() { return device.name(); }

    @Override public String toString() { return name() + ": " + device.describe(); }

    // ---- buffers and scratch ----------------------------------------------------------------------------------

    @Override protected boolean owns(Buffer b) { return b instanceof DeviceBuffer && ((DeviceBuffer) b).device == device; }

    @Override protected long address(Buffer b) { return ((DeviceBuffer) b).address; }

    // Zero-filled even when zero is not asked for (allocUninitialized), as before the checked base: skipping the memset
    // is allowed by the contract but not yet measured here.
    @Override protected Buffer newBuffer(long n, boolean zero) {
        if (n > Long.MAX_VALUE / 4) throw new OutOfMemoryError(name() + ": cannot allocate " + n + " floats");
        long p = device.alloc(4 * Math.max(n, 1));
        if (n > 0) device.memsetZero(p, 4 * n);
        return new DeviceBuffer(device, n, p);
    }

    @Override protected void release(Buffer b) { device.free(((DeviceBuffer) b).address); }

    private void launch(String kernel, long count, KernelArgs args) {
        if (count > 0) device.launch(kernel, LaunchConfig.forCount(count), args);
    }

    /** Host ints on the device (count of them); the caller frees the address. */
    private long uploadInts(int[] values, int count) {
        long p = device.alloc(4L * Math.max(count, 1));
        device.upload(values, count, p);
        return p;
    }

    // ---- memory -----------------------------------------------------------------------------------------------

    @Override protected void upload0(float[] src, long dst) { device.upload(src, dst); }

    @Override protected void download0(long src, float[] dst) { device.download(src, dst); }

    @Override protected void copy0(long src, long srcOff, long dst, long dstOff, long n) {
        long s = src + 4 * srcOff, d = dst + 4 * dstOff;
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

    @Override protected void fill0(long dst, float value, long n) {
        launch("hhnn_fill_f32", n, KernelArgs.of().ptr(dst).f32(value).i64(n));
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    @Override protected void gemm0(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, long b, float beta, long c) {
        long mn = (long) m * n;
        if (mn == 0) return;
        if (k == 0) {   // an empty product: C = beta C (a leading dimension of 0 is not valid for cuBLAS)
            if (beta == 0f) launch("hhnn_fill_f32", mn, KernelArgs.of().ptr(c).f32(0f).i64(mn));
            else launch("hhnn_axpby_f32", mn, KernelArgs.of().f32(beta).ptr(c).f32(0f).ptr(c).i64(mn));
            return;
        }
        // Row-major C (m x n) is column-major C^T (n x m) = op(B)^T op(A)^T, and the row-major buffers of A and B
        // read column-major are A^T and B^T: so cuBLAS gets B first, with the same transpose flags and leading
        // dimensions a row-major BLAS would take.
        int lda = transA ? m : k, ldb = transB ? k : n;
        device.gemm(transB, transA, n, m, k, alpha, b, ldb, a, lda, beta, c, n);
    }

    @Override protected void addBias0(long x, long bias, long y, int rows, int cols) {
        launch("hhnn_add_bias_f32", (long) rows * cols, KernelArgs.of().ptr(x).ptr(bias).ptr(y).i32(rows).i32(cols));
    }

    // A handful of long sums (a bias gradient of a few classes over a large batch, a loss summed over B·M) go through
    // DeviceReduce: one thread per output would add them serially.
    @Override protected void sumRows0(long x, long y, int rows, int cols, float beta) {
        if (DeviceReduce.splits(cols, rows)) {
            for (int c = 0; c < cols; c++) DeviceReduce.into(device, x + 4L * c, cols, 0, 0, rows, 1f, beta, y + 4L * c);
            return;
        }
        launch("hhnn_sum_rows_f32", cols, KernelArgs.of().ptr(x).ptr(y).i32(rows).i32(cols).f32(beta));
    }

    @Override protected void sumCols0(long x, long y, int rows, int cols, float beta) {
        if (DeviceReduce.splits(rows, cols)) {
            for (int r = 0; r < rows; r++) DeviceReduce.into(device, x + 4L * r * cols, 1, 0, 0, cols, 1f, beta, y + 4L * r);
            return;
        }
        launch("hhnn_sum_cols_f32", rows, KernelArgs.of().ptr(x).ptr(y).i32(rows).i32(cols).f32(beta));
    }

    // ---- elementwise ----------------------------------------------------------------------------------------------

    @Override protected void unary0(int op, long x, long y, long n) {
        launch("hhnn_unary_f32", n, KernelArgs.of().i32(op).ptr(x).ptr(y).i64(n));
    }

    @Override protected void unaryBackward0(int op, long x, long y, long dy, long dx, long n) {
        launch("hhnn_unary_backward_f32", n, KernelArgs.of().i32(op).ptr(x).ptr(y).ptr(dy).ptr(dx).i64(n));
    }

    @Override protected void binary0(int op, long a, long b, long out, long n) {
        launch("hhnn_binary_f32", n, KernelArgs.of().i32(op).ptr(a).ptr(b).ptr(out).i64(n));
    }

    @Override protected void axpby0(float alpha, long x, float beta, long y, long n) {
        launch("hhnn_axpby_f32", n, KernelArgs.of().f32(alpha).ptr(x).f32(beta).ptr(y).i64(n));
    }

    @Override protected double sumSquares0(long x, long n) { return DeviceReduce.toHost(device, x, 1, x, 1, n); }

    @Override protected double sum0(long x, long n) { return DeviceReduce.toHost(device, x, 1, 0, 0, n); }

    // ---- losses and regularisation ----------------------------------------------------------------------------

    @Override protected void softmaxCrossEntropy0(long logits, int[] labels, long probs, long loss, int rows, int cols) {
        if (rows == 0) return;
        long lab = uploadInts(labels, rows);
        try {
            launch("hhnn_softmax_xent_f32", rows, KernelArgs.of().ptr(logits).ptr(lab).ptr(probs).ptr(loss).i32(rows).i32(cols));
        } finally {
            device.free(lab);
        }
    }

    @Override protected void softmaxCrossEntropyBackward0(long probs, int[] labels, float scale, long dlogits, int rows, int cols) {
        if ((long) rows * cols == 0) return;
        long lab = uploadInts(labels, rows);
        try {
            launch("hhnn_softmax_xent_backward_f32", (long) rows * cols,
                    KernelArgs.of().ptr(probs).ptr(lab).f32(scale).ptr(dlogits).i32(rows).i32(cols));
        } finally {
            device.free(lab);
        }
    }

    @Override protected void softmaxCrossEntropyGrad0(long logits, int[] labels, float scale, long loss, long dlogits, int rows, int cols) {
        if (rows == 0) return;
        long lab = uploadInts(labels, rows);
        try {
            launch("hhnn_softmax_xent_grad_f32", rows,
                    KernelArgs.of().ptr(logits).ptr(lab).f32(scale).ptr(loss).ptr(dlogits).i32(rows).i32(cols));
        } finally {
            device.free(lab);
        }
    }

    @Override protected void dropout0(long x, long mask, long y, float p, long seed, long n) {
        float keep = (float) (1.0 / (1.0 - (double) p));   // rounded once, as the reference
        launch("hhnn_dropout_f32", n, KernelArgs.of().ptr(x).ptr(mask).ptr(y).f32(p).f32(keep).i64(seed).i64(n));
    }

    @Override protected void layerNorm0(long x, long gamma, long beta, long y, long mean, long rstd, int rows, int cols, float eps) {
        launch("hhnn_layer_norm_f32", rows, KernelArgs.of().ptr(x).ptr(gamma).ptr(beta).ptr(y).ptr(mean).ptr(rstd)
                .i32(rows).i32(cols).f32(eps));
    }

    @Override protected void layerNormBackward0(long x, long gamma, long mean, long rstd, long dy,
                                                long dx, long dgamma, long dbeta, int rows, int cols) {
        // Column sums first, then dx: even dx aliasing dy is safe (as native/).
        launch("hhnn_layer_norm_param_grads_f32", rows == 0 ? 0 : cols,
                KernelArgs.of().ptr(x).ptr(mean).ptr(rstd).ptr(dy).ptr(dgamma).ptr(dbeta).i32(rows).i32(cols));
        launch("hhnn_layer_norm_backward_f32", cols == 0 ? 0 : rows,
                KernelArgs.of().ptr(x).ptr(gamma).ptr(mean).ptr(rstd).ptr(dy).ptr(dx).i32(rows).i32(cols));
    }

    // ---- fused optimizer updates --------------------------------------------------------------------------------

    @Override protected void sgdUpdate0(long param, long grad, long velocity, long n,
                                        float lr, float momentum, float weightDecay, boolean nesterov) {
        launch("hhnn_sgd_f32", n, KernelArgs.of().ptr(param).ptr(grad).ptr(velocity).i64(n).f32(lr).f32(momentum).f32(weightDecay)
                .i32(nesterov));
    }

    @Override protected void adamUpdate0(long param, long grad, long m, long v, long n, float lr, float beta1, float beta2,
                                         float eps, float weightDecay, boolean decoupled, int step) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        launch("hhnn_adam_f32", n, KernelArgs.of().ptr(param).ptr(grad).ptr(m).ptr(v).i64(n).f32(lr).f32(beta1).f32(beta2)
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

    @Override protected void hhForward0(HhSpec spec, long state, long current, long cond,
                                        long stateOut, long basisSum, long spikes, int batch, int neurons) {
        KernelArgs args = hhParams(spec).ptr(state).ptr(current).ptr(cond).ptr(stateOut).ptr(basisSum).ptr(spikes)
                .i32(batch).i32(neurons);
        launch(hhKernel("hhnn_hh_forward", spec.degree()), (long) batch * neurons, args);
    }

    @Override protected void hhBackward0(HhSpec spec, long state, long current, long cond, long dStateOut, long dBasisSum,
                                         long dSpikes, long dState, long dCurrent, long dCond, int batch, int neurons) {
        long bm = (long) batch * neurons;
        if (bm == 0) return;
        KernelArgs args = hhParams(spec).ptr(state).ptr(current).ptr(cond).ptr(dStateOut).ptr(dBasisSum).ptr(dSpikes)
                .ptr(dState).ptr(dCurrent);
        LaunchConfig cfg = LaunchConfig.forCount(bm);
        // Scratch: the window's states (w, 4, T), T = the grid's threads (<= bm + 255: each thread reuses its column for
        // every neuron it handles), and the per-(b, j) conductance gradients (B, M, 3) doubles summed over b by a second
        // kernel.
        long traj = device.alloc(4L * 4 * spec.steps() * cfg.threads());
        long part = dCond == 0L ? 0L : device.alloc(8L * 3 * bm);
        try {
            device.launch(hhKernel("hhnn_hh_backward", spec.degree()), cfg, args.ptr(part).ptr(traj).i32(batch).i32(neurons));
            if (dCond != 0L)
                launch("hhnn_hh_cond_grad_f32", neurons, KernelArgs.of().ptr(part).ptr(dCond).i32(batch).i32(neurons));
        } finally {
            device.free(traj);
            if (part != 0L) device.free(part);
        }
    }

    // ---- Legendre activations (kernels/legendre.cu) ----------------------------------------------------------------

    @Override protected void legendreForward0(long x, long coeffs, long y, int rows, int cols, int degree) {
        launch("hhnn_legendre_forward_f32", (long) rows * cols, KernelArgs.of().ptr(x).ptr(coeffs).ptr(y).i32(rows).i32(cols).i32(degree));
    }

    @Override protected void legendreBackward0(long x, long coeffs, long dy, long dx, long dCoeffs, int rows, int cols, int degree) {
        // dCoeffs first (it reads dy), then dx: even dx aliasing dy is safe.
        if (dCoeffs != 0L && rows > 0)
            launch("hhnn_legendre_coeff_grad_f32", (long) cols * (degree + 1),
                    KernelArgs.of().ptr(x).ptr(dy).ptr(dCoeffs).i32(rows).i32(cols).i32(degree));
        launch("hhnn_legendre_backward_f32", (long) rows * cols,
                KernelArgs.of().ptr(x).ptr(coeffs).ptr(dy).ptr(dx).i32(rows).i32(cols).i32(degree));
    }

    @Override protected void legendreBasis0(long x, long basis, int rows, int cols, int degree) {
        long rc = (long) rows * cols;
        launch("hhnn_legendre_basis_f32", rc * (degree + 1), KernelArgs.of().ptr(x).ptr(basis).i64(rc).i32(degree));
    }

    @Override protected void legendreBasisBackward0(long x, long dBasis, long dx, int rows, int cols, int degree) {
        long rc = (long) rows * cols;
        launch("hhnn_legendre_basis_backward_f32", rc, KernelArgs.of().ptr(x).ptr(dBasis).ptr(dx).i64(rc).i32(degree));
    }

    @Override protected void neuronReadout0(long basis, long coeffs, long y, int batch, int neurons, int k) {
        launch("hhnn_neuron_readout_f32", (long) batch * neurons,
                KernelArgs.of().ptr(basis).ptr(coeffs).ptr(y).i32(batch).i32(neurons).i32(k));
    }

    @Override protected void neuronReadoutBackward0(long basis, long coeffs, long dy, long dBasis, long dCoeffs,
                                                    int batch, int neurons, int k) {
        // dCoeffs first (it reads basis), then dBasis: even dBasis aliasing basis is safe.
        if (dCoeffs != 0L && batch > 0)
            launch("hhnn_neuron_readout_dcoeffs_f32", (long) neurons * k,
                    KernelArgs.of().ptr(basis).ptr(dy).ptr(dCoeffs).i32(batch).i32(neurons).i32(k));
        if (dBasis != 0L)
            launch("hhnn_neuron_readout_dbasis_f32", (long) batch * neurons * k,
                    KernelArgs.of().ptr(coeffs).ptr(dy).ptr(dBasis).i32(batch).i32(neurons).i32(k));
    }

    // ---- convolution, pooling, normalisation, concat (kernels/conv.cu) ------------------------------------------

    private static KernelArgs withGeom(KernelArgs a, ConvGeom g) {
        for (int v : g.pack()) a.i32(v);
        return a;
    }

    @Override protected void im2col0(ConvGeom g, long x, long cols) {
        launch("hhnn_im2col_f32", g.colRows() * g.colCols(), withGeom(KernelArgs.of().ptr(x).ptr(cols), g));
    }

    @Override protected void col2im0(ConvGeom g, long cols, long x) {
        launch("hhnn_col2im_f32", g.inputSize(), withGeom(KernelArgs.of().ptr(cols).ptr(x), g));
    }

    // No fused kernel yet: the whole batch's im2col, one cuBLAS gemm, swapAxes to NCHW and the channel bias.
    @Override protected void conv2d0(ConvGeom g, int oc, long x, long w, long bias, long y) {
        int ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        long cols = scratch((long) ck * n), yc = 0L;
        try {
            im2col0(g, x, cols);
            yc = scratch((long) oc * n);   // (OC, B, OH·OW)
            gemm0(false, false, oc, n, ck, 1f, w, cols, 0f, yc);
            swapAxes0(yc, y, oc, g.batch(), hw);
            if (bias != 0L) addChannelBias0(y, bias, y, g.batch(), oc, hw);
        } finally {
            device.free(cols);
            if (yc != 0L) device.free(yc);
        }
    }

    // The transposed gemms, col2im and sumChannels of conv2d0's composition.
    @Override protected void conv2dBackward0(ConvGeom g, int oc, long x, long w, long dy, long dx, long dw, long dbias) {
        int ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        long dyc = scratch((long) oc * n), cols = 0L;   // dy as (OC, B, OH·OW)
        try {
            swapAxes0(dy, dyc, g.batch(), oc, hw);
            if (dw != 0L) {   // dW (OC, C·kh·kw) = dyc · colsᵀ
                cols = scratch((long) ck * n);
                im2col0(g, x, cols);
                gemm0(false, true, oc, ck, n, 1f, dyc, cols, 0f, dw);
            }
            if (dbias != 0L) sumChannels0(dy, dbias, g.batch(), oc, hw, 0f);
            if (dx != 0L) {   // dcols (C·kh·kw, B·OH·OW) = Wᵀ · dyc, folded back by col2im onto dx = 0
                if (cols == 0L) cols = scratch((long) ck * n);
                gemm0(true, false, ck, n, oc, 1f, w, dyc, 0f, cols);
                fill0(dx, 0f, g.inputSize());
                col2im0(g, cols, dx);
            }
        } finally {
            device.free(dyc);
            if (cols != 0L) device.free(cols);
        }
    }

    // Uninitialised device memory for n floats (a primitive's temporary); freed with device.free.
    private long scratch(long n) { return device.alloc(4 * Math.max(n, 1)); }

    @Override protected void swapAxes0(long x, long y, int a, int b, int inner) {
        launch("hhnn_swap_axes_f32", (long) a * b * inner, KernelArgs.of().ptr(x).ptr(y).i32(a).i32(b).i32(inner));
    }

    @Override protected void addChannelBias0(long x, long bias, long y, int outer, int channels, int inner) {
        launch("hhnn_add_channel_bias_f32", (long) outer * channels * inner,
                KernelArgs.of().ptr(x).ptr(bias).ptr(y).i32(outer).i32(channels).i32(inner));
    }

    @Override protected void sumChannels0(long x, long y, int outer, int channels, int inner, float beta) {
        launch("hhnn_sum_channels_f32", channels, KernelArgs.of().ptr(x).ptr(y).i32(outer).i32(channels).i32(inner).f32(beta));
    }

    @Override protected void maxPool0(ConvGeom g, long x, long y, long argmax) {
        launch("hhnn_max_pool_f32", g.outputSize(), withGeom(KernelArgs.of().ptr(x).ptr(y).ptr(argmax), g));
    }

    @Override protected void maxPoolBackward0(ConvGeom g, long dy, long argmax, long dx) {
        launch("hhnn_max_pool_backward_f32", g.inputSize(), withGeom(KernelArgs.of().ptr(dy).ptr(argmax).ptr(dx), g));
    }

    @Override protected void avgPool0(ConvGeom g, long x, long y) {
        launch("hhnn_avg_pool_f32", g.outputSize(), withGeom(KernelArgs.of().ptr(x).ptr(y), g));
    }

    @Override protected void avgPoolBackward0(ConvGeom g, long dy, long dx) {
        launch("hhnn_avg_pool_backward_f32", g.inputSize(), withGeom(KernelArgs.of().ptr(dy).ptr(dx), g));
    }

    @Override protected void batchNorm0(long x, long gamma, long beta, long runMean, long runVar, long y, long mean, long rstd,
                                        int outer, int channels, int inner, float momentum, float eps, boolean training) {
        launch("hhnn_batch_norm_stats_f32", channels, KernelArgs.of().ptr(x).ptr(runMean).ptr(runVar).ptr(mean).ptr(rstd)
                .i32(outer).i32(channels).i32(inner).f32(momentum).f32(eps).i32(training));
        launch("hhnn_batch_norm_apply_f32", (long) outer * channels * inner, KernelArgs.of().ptr(x).ptr(gamma).ptr(beta).ptr(mean)
                .ptr(rstd).ptr(y).i32(outer).i32(channels).i32(inner));
    }

    @Override protected void batchNormBackward0(long x, long gamma, long mean, long rstd, long dy, long dx, long dgamma, long dbeta,
                                                int outer, int channels, int inner) {
        if (channels == 0) return;
        long sums = device.alloc(16L * channels);   // (channels, 2) doubles: Σdy, Σdy·x̂
        try {
            launch("hhnn_batch_norm_backward_sums_f32", channels, KernelArgs.of().ptr(x).ptr(mean).ptr(rstd).ptr(dy).ptr(sums)
                    .ptr(dgamma).ptr(dbeta).i32(outer).i32(channels).i32(inner));
            launch("hhnn_batch_norm_backward_f32", (long) outer * channels * inner, KernelArgs.of().ptr(x).ptr(gamma).ptr(mean)
                    .ptr(rstd).ptr(dy).ptr(sums).ptr(dx).i32(outer).i32(channels).i32(inner));
        } finally {
            device.free(sums);
        }
    }

    private void copyChannels(long src, int srcC, int srcStart, long dst, int dstC, int dstStart, int count, int outer, int inner) {
        launch("hhnn_copy_channels_f32", (long) outer * count * inner, KernelArgs.of().ptr(src).i32(srcC).i32(srcStart)
                .ptr(dst).i32(dstC).i32(dstStart).i32(count).i32(outer).i32(inner));
    }

    @Override protected void concatChannels0(long a, long b, long y, int outer, int ca, int cb, int inner) {
        int cy = ca + cb;
        copyChannels(a, ca, 0, y, cy, 0, ca, outer, inner);
        copyChannels(b, cb, 0, y, cy, ca, cb, outer, inner);
    }

    @Override protected void splitChannels0(long y, long a, long b, int outer, int ca, int cb, int inner) {
        int cy = ca + cb;
        if (a != 0L) copyChannels(y, cy, 0, a, ca, 0, ca, outer, inner);
        if (b != 0L) copyChannels(y, cy, ca, b, cb, 0, cb, outer, inner);
    }

    // ---- modulated activation, LSTM cell, embedding (kernels/modact.cu, lstm.cu, embedding.cu) ---------------------

    @Override protected void modActForward0(int act, int modAct, long v, long u, long out, int outer, int channels, int inner) {
        launch("hhnn_modact_forward_f32", (long) outer * channels * inner, KernelArgs.of().i32(act).i32(modAct).ptr(v).ptr(u).ptr(out)
                .i32(outer).i32(channels).i32(inner));
    }

    @Override protected void modActBackward0(int act, int modAct, long v, long u, long dout, long dv, long du,
                                             int outer, int channels, int inner) {
        // du first (it reads dout), then dv: even dv aliasing dout is safe.
        if (du != 0L)
            launch("hhnn_modact_backward_du_f32", (long) outer * inner, KernelArgs.of().i32(act).i32(modAct)
                    .ptr(v).ptr(u).ptr(dout).ptr(du).i32(outer).i32(channels).i32(inner));
        if (dv != 0L)
            launch("hhnn_modact_backward_dv_f32", (long) outer * channels * inner, KernelArgs.of().i32(act).i32(modAct)
                    .ptr(v).ptr(u).ptr(dout).ptr(dv).i32(outer).i32(channels).i32(inner));
    }

    @Override protected void lstmCellForward0(int cell, int modAct, long gates, long cPrev, long hPrev, long mask,
                                              long c, long h, int batch, int hidden) {
        launch("hhnn_lstm_cell_forward_f32", (long) batch * hidden, KernelArgs.of().i32(cell).i32(modAct).ptr(gates).ptr(cPrev)
                .ptr(hPrev).ptr(mask).ptr(c).ptr(h).i32(batch).i32(hidden));
    }

    @Override protected void lstmCellBackward0(int cell, int modAct, long gates, long cPrev, long mask, long dc, long dh,
                                               long dGates, long dcPrev, long dhPrev, int batch, int hidden) {
        launch("hhnn_lstm_cell_backward_f32", (long) batch * hidden, KernelArgs.of().i32(cell).i32(modAct).ptr(gates).ptr(cPrev)
                .ptr(mask).ptr(dc).ptr(dh).ptr(dGates).ptr(dcPrev).ptr(dhPrev).i32(batch).i32(hidden));
    }

    @Override protected void embeddingForward0(long table, int[] ids, long out, int n, int vocab, int dim) {
        if ((long) n * dim == 0) return;
        long pid = uploadInts(ids, n);
        try {
            launch("hhnn_embedding_forward_f32", (long) n * dim, KernelArgs.of().ptr(table).ptr(pid).ptr(out).i32(n).i32(dim));
        } finally {
            device.free(pid);
        }
    }

    @Override protected void embeddingBackward0(int[] ids, long dOut, long dTable, int n, int vocab, int dim) {
        if ((long) n * dim == 0) return;
        // Group the positions by id on the host (stable counting sort): distinct ids, their ranges, the positions.
        int[] count = new int[vocab];
        int nu = 0;
        for (int i = 0; i < n; i++) if (count[ids[i]]++ == 0) nu++;
        int[] uniq = new int[nu], start = new int[nu + 1], slot = new int[vocab], pos = new int[n];
        for (int r = 0, k = 0, off = 0; r < vocab; r++)
            if (count[r] > 0) {
                uniq[k] = r;
                start[k] = off;
                slot[r] = off;
                off += count[r];
                start[++k] = off;
            }
        for (int i = 0; i < n; i++) pos[slot[ids[i]]++] = i;
        long pu = uploadInts(uniq, nu), ps = uploadInts(start, nu + 1), pp = uploadInts(pos, n);
        try {
            launch("hhnn_embedding_backward_f32", (long) nu * dim,
                    KernelArgs.of().ptr(pu).ptr(ps).ptr(pp).ptr(dOut).ptr(dTable).i32(nu).i32(dim));
        } finally {
            device.free(pu);
            device.free(ps);
            device.free(pp);
        }
    }
}
