package org.hhnn.backend;

import java.util.Objects;

/**
 * The argument checks of every primitive, written once for the native backends (cpu, cuda): each public method checks
 * shapes, buffer lengths, aliasing and ranges, turns each buffer into its address, and only then calls the backend's
 * raw method of the same name with a trailing 0 ({@code gemm} → {@code gemm0}), so native code and kernels never see a
 * buffer shorter than they index. Mistakes become IllegalArgumentExceptions naming the primitive, the buffer and the
 * sizes; a nullable buffer that is null reaches the raw method as address 0. Adding a primitive: its checks here, its
 * raw method in each backend ({@code cpu.CpuBackend}: a native method; {@code cuda.CudaBackend}: kernel launches).
 * {@link ReferenceBackend} keeps its own checks (it is the specification). Tested by: CoreParityCases (refusals) and
 * every *ParityCases through the cpu and cuda runners.
 */
public abstract class CheckedBackend implements Backend {

    private final Class<? extends Buffer> bufferType;

    /** bufferType: the one Buffer subclass this backend hands out (named in the "of another backend" sentence). */
    protected CheckedBackend(Class<? extends Buffer> bufferType) { this.bufferType = bufferType; }

    // ---- what a backend supplies: its buffers --------------------------------------------------------------------

    /** Whether b is a buffer of this backend (not of another backend or another device). */
    protected boolean owns(Buffer b) { return bufferType.isInstance(b); }

    /** The address of a live buffer this backend {@link #owns}. */
    protected abstract long address(Buffer b);

    /** A new buffer of n ≥ 0 floats, zero-filled when zero is set. */
    protected abstract Buffer newBuffer(long n, boolean zero);

    /** Releases an owned buffer's memory, once (the base has already marked it freed). */
    protected abstract void release(Buffer b);

    // ---- checks -------------------------------------------------------------------------------------------------

    // The address of b after checking it is a live buffer of this backend of at least need floats.
    private long addr(String primitive, String name, Buffer b, long need, String formula) {
        if (b == null) throw new IllegalArgumentException(primitive + ": buffer " + name + " is null");
        if (!owns(b))
            throw new IllegalArgumentException(primitive + ": buffer " + name + " is a " + b.getClass().getSimpleName()
                    + " of another backend, not a " + name() + " " + bufferType.getSimpleName());
        b.checkLive();
        if (b.length < need)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " holds " + b.length
                    + " floats but " + formula + " = " + need + " are needed");
        return address(b);
    }

    // As addr for a buffer the contract lets be null (= not wanted, or zero): null becomes address 0.
    private long opt(String primitive, String name, Buffer b, long need, String formula) {
        return b == null ? 0L : addr(primitive, name, b, need, formula);
    }

    private static void nonNegative(String primitive, String what, long v) {
        if (v < 0) throw new IllegalArgumentException(primitive + ": " + what + " must be >= 0, got " + v);
    }

    private static long matrix(String primitive, int rows, int cols) {
        nonNegative(primitive, "rows", rows);
        nonNegative(primitive, "cols", cols);
        return (long) rows * cols;
    }

    private static long sizes(String primitive, int outer, int channels, int inner) {
        nonNegative(primitive, "outer", outer);
        nonNegative(primitive, "channels", channels);
        nonNegative(primitive, "inner", inner);
        return (long) outer * channels * inner;
    }

    private static ConvGeom geom(String primitive, ConvGeom g) {
        if (g == null) throw new IllegalArgumentException(primitive + ": geometry is null");
        return g;
    }

    // Every label in [0, cols), before anything is written, so a bad batch leaves the outputs untouched.
    private static void labels(String primitive, int[] labels, int rows, int cols) {
        if (labels == null) throw new IllegalArgumentException(primitive + ": labels is null");
        if (labels.length < rows)
            throw new IllegalArgumentException(primitive + ": labels holds " + labels.length + " entries but rows = " + rows);
        for (int r = 0; r < rows; r++)
            if (labels[r] < 0 || labels[r] >= cols)
                throw new IllegalArgumentException(primitive + ": label " + labels[r] + " at row " + r + " is outside [0, " + cols + ")");
    }

    // ---- memory -------------------------------------------------------------------------------------------------

    @Override public final Buffer alloc(long n) {
        nonNegative("alloc", "n", n);
        return newBuffer(n, true);
    }

    @Override public final Buffer allocUninitialized(long n) {
        nonNegative("allocUninitialized", "n", n);
        return newBuffer(n, false);
    }

    @Override public final void free(Buffer b) {
        if (b == null) return;
        if (!owns(b))
            throw new IllegalArgumentException("free: " + b.getClass().getSimpleName() + " is not a " + name() + " "
                    + bufferType.getSimpleName());
        if (b.markFreed()) release(b);
    }

    @Override public final void upload(float[] src, Buffer dst) {
        Objects.requireNonNull(src, "upload: src");
        upload0(src, addr("upload", "dst", dst, src.length, "src.length"));
    }

    protected abstract void upload0(float[] src, long dst);

    @Override public final void download(Buffer src, float[] dst) {
        Objects.requireNonNull(dst, "download: dst");
        download0(addr("download", "src", src, dst.length, "dst.length"), dst);
    }

    protected abstract void download0(long src, float[] dst);

    @Override public final void copy(Buffer src, long srcOff, Buffer dst, long dstOff, long n) {
        String p = "copy";
        nonNegative(p, "srcOff", srcOff);
        nonNegative(p, "dstOff", dstOff);
        nonNegative(p, "n", n);
        if (n > Long.MAX_VALUE - Math.max(srcOff, dstOff))
            throw new IllegalArgumentException(p + ": offset + n overflows (srcOff=" + srcOff + ", dstOff=" + dstOff + ", n=" + n + ")");
        copy0(addr(p, "src", src, srcOff + n, "srcOff + n"), srcOff, addr(p, "dst", dst, dstOff + n, "dstOff + n"), dstOff, n);
    }

    /** Ranges of one buffer may overlap (then as System.arraycopy). */
    protected abstract void copy0(long src, long srcOff, long dst, long dstOff, long n);

    @Override public final void fill(Buffer dst, float value, long n) {
        nonNegative("fill", "n", n);
        fill0(addr("fill", "dst", dst, n, "n"), value, n);
    }

    protected abstract void fill0(long dst, float value, long n);

    // ---- linear algebra -----------------------------------------------------------------------------------------

    @Override public final void gemm(boolean transA, boolean transB, int m, int n, int k,
                                     float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        String p = "gemm";
        nonNegative(p, "m", m);
        nonNegative(p, "n", n);
        nonNegative(p, "k", k);
        gemm0(transA, transB, m, n, k, alpha, addr(p, "a", a, (long) m * k, "m*k"), addr(p, "b", b, (long) k * n, "k*n"),
                beta, addr(p, "c", c, (long) m * n, "m*n"));
    }

    protected abstract void gemm0(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, long b, float beta, long c);

    @Override public final void addBias(Buffer x, Buffer bias, Buffer y, int rows, int cols) {
        String p = "addBias";
        long rc = matrix(p, rows, cols);
        addBias0(addr(p, "x", x, rc, "rows*cols"), addr(p, "bias", bias, cols, "cols"), addr(p, "y", y, rc, "rows*cols"), rows, cols);
    }

    protected abstract void addBias0(long x, long bias, long y, int rows, int cols);

    @Override public final void sumRows(Buffer x, Buffer y, int rows, int cols, float beta) {
        String p = "sumRows";
        long rc = matrix(p, rows, cols);
        sumRows0(addr(p, "x", x, rc, "rows*cols"), addr(p, "y", y, cols, "cols"), rows, cols, beta);
    }

    protected abstract void sumRows0(long x, long y, int rows, int cols, float beta);

    @Override public final void sumCols(Buffer x, Buffer y, int rows, int cols, float beta) {
        String p = "sumCols";
        long rc = matrix(p, rows, cols);
        sumCols0(addr(p, "x", x, rc, "rows*cols"), addr(p, "y", y, rows, "rows"), rows, cols, beta);
    }

    protected abstract void sumCols0(long x, long y, int rows, int cols, float beta);

    // ---- elementwise ----------------------------------------------------------------------------------------------

    @Override public final void unary(UnaryOp op, Buffer x, Buffer y, long n) {
        Objects.requireNonNull(op, "unary: op");
        nonNegative("unary", "n", n);
        unary0(op.ordinal(), addr("unary", "x", x, n, "n"), addr("unary", "y", y, n, "n"), n);
    }

    protected abstract void unary0(int op, long x, long y, long n);

    @Override public final void unaryBackward(UnaryOp op, Buffer x, Buffer y, Buffer dy, Buffer dx, long n) {
        String p = "unaryBackward";
        Objects.requireNonNull(op, "unaryBackward: op");
        nonNegative(p, "n", n);
        unaryBackward0(op.ordinal(), addr(p, "x", x, n, "n"), addr(p, "y", y, n, "n"), addr(p, "dy", dy, n, "n"),
                addr(p, "dx", dx, n, "n"), n);
    }

    protected abstract void unaryBackward0(int op, long x, long y, long dy, long dx, long n);

    @Override public final void binary(BinaryOp op, Buffer a, Buffer b, Buffer out, long n) {
        String p = "binary";
        Objects.requireNonNull(op, "binary: op");
        nonNegative(p, "n", n);
        binary0(op.ordinal(), addr(p, "a", a, n, "n"), addr(p, "b", b, n, "n"), addr(p, "out", out, n, "n"), n);
    }

    protected abstract void binary0(int op, long a, long b, long out, long n);

    @Override public final void axpby(float alpha, Buffer x, float beta, Buffer y, long n) {
        nonNegative("axpby", "n", n);
        axpby0(alpha, addr("axpby", "x", x, n, "n"), beta, addr("axpby", "y", y, n, "n"), n);
    }

    protected abstract void axpby0(float alpha, long x, float beta, long y, long n);

    @Override public final double sumSquares(Buffer x, long n) {
        nonNegative("sumSquares", "n", n);
        return sumSquares0(addr("sumSquares", "x", x, n, "n"), n);
    }

    protected abstract double sumSquares0(long x, long n);

    @Override public final double sum(Buffer x, long n) {
        nonNegative("sum", "n", n);
        return sum0(addr("sum", "x", x, n, "n"), n);
    }

    protected abstract double sum0(long x, long n);

    // ---- losses and regularisation --------------------------------------------------------------------------------

    @Override public final void softmaxCrossEntropy(Buffer logits, int[] labels, Buffer probs, Buffer loss, int rows, int cols) {
        String p = "softmaxCrossEntropy";
        long rc = matrix(p, rows, cols);
        long pl = addr(p, "logits", logits, rc, "rows*cols"), pp = addr(p, "probs", probs, rc, "rows*cols");
        long po = addr(p, "loss", loss, rows, "rows");
        labels(p, labels, rows, cols);
        softmaxCrossEntropy0(pl, labels, pp, po, rows, cols);
    }

    /** Every label is in [0, cols). */
    protected abstract void softmaxCrossEntropy0(long logits, int[] labels, long probs, long loss, int rows, int cols);

    @Override public final void softmaxCrossEntropyBackward(Buffer probs, int[] labels, float scale, Buffer dlogits, int rows, int cols) {
        String p = "softmaxCrossEntropyBackward";
        long rc = matrix(p, rows, cols);
        if (labels == null) throw new IllegalArgumentException(p + ": labels is null");
        if (labels.length < rows)
            throw new IllegalArgumentException(p + ": labels holds " + labels.length + " entries but rows = " + rows);
        softmaxCrossEntropyBackward0(addr(p, "probs", probs, rc, "rows*cols"), labels, scale, addr(p, "dlogits", dlogits, rc, "rows*cols"),
                rows, cols);
    }

    /** As the reference, a label outside [0, cols) matches no column. */
    protected abstract void softmaxCrossEntropyBackward0(long probs, int[] labels, float scale, long dlogits, int rows, int cols);

    @Override public final void dropout(Buffer x, Buffer mask, Buffer y, float p, long seed, long n) {
        nonNegative("dropout", "n", n);
        dropout0(addr("dropout", "x", x, n, "n"), addr("dropout", "mask", mask, n, "n"), addr("dropout", "y", y, n, "n"), p, seed, n);
    }

    protected abstract void dropout0(long x, long mask, long y, float p, long seed, long n);

    @Override public final void layerNorm(Buffer x, Buffer gamma, Buffer beta, Buffer y, Buffer mean, Buffer rstd,
                                          int rows, int cols, float eps) {
        String p = "layerNorm";
        long rc = matrix(p, rows, cols);
        layerNorm0(addr(p, "x", x, rc, "rows*cols"), addr(p, "gamma", gamma, cols, "cols"), addr(p, "beta", beta, cols, "cols"),
                addr(p, "y", y, rc, "rows*cols"), addr(p, "mean", mean, rows, "rows"), addr(p, "rstd", rstd, rows, "rows"),
                rows, cols, eps);
    }

    protected abstract void layerNorm0(long x, long gamma, long beta, long y, long mean, long rstd, int rows, int cols, float eps);

    @Override public final void layerNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                                  Buffer dx, Buffer dgamma, Buffer dbeta, int rows, int cols) {
        String p = "layerNormBackward";
        long rc = matrix(p, rows, cols);
        layerNormBackward0(addr(p, "x", x, rc, "rows*cols"), addr(p, "gamma", gamma, cols, "cols"),
                addr(p, "mean", mean, rows, "rows"), addr(p, "rstd", rstd, rows, "rows"),
                addr(p, "dy", dy, rc, "rows*cols"), addr(p, "dx", dx, rc, "rows*cols"),
                addr(p, "dgamma", dgamma, cols, "cols"), addr(p, "dbeta", dbeta, cols, "cols"), rows, cols);
    }

    /** dx may alias dy. */
    protected abstract void layerNormBackward0(long x, long gamma, long mean, long rstd, long dy,
                                               long dx, long dgamma, long dbeta, int rows, int cols);

    // ---- fused optimizer updates ----------------------------------------------------------------------------------

    @Override public final void sgdUpdate(Buffer param, Buffer grad, Buffer velocity, long n,
                                          float lr, float momentum, float weightDecay, boolean nesterov) {
        String p = "sgdUpdate";
        nonNegative(p, "n", n);
        if (momentum != 0f && velocity == null)
            throw new IllegalArgumentException(p + ": momentum = " + momentum + " needs a velocity buffer");
        long pv = momentum != 0f ? addr(p, "velocity", velocity, n, "n") : 0L;
        sgdUpdate0(addr(p, "param", param, n, "n"), addr(p, "grad", grad, n, "n"), pv, n, lr, momentum, weightDecay, nesterov);
    }

    /** velocity is 0 when momentum is 0. */
    protected abstract void sgdUpdate0(long param, long grad, long velocity, long n,
                                       float lr, float momentum, float weightDecay, boolean nesterov);

    @Override public final void adamUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                           float lr, float beta1, float beta2, float eps, float weightDecay,
                                           boolean decoupled, int step) {
        String p = "adamUpdate";
        nonNegative(p, "n", n);
        if (step < 1) throw new IllegalArgumentException(p + ": step is 1-based, got " + step);
        adamUpdate0(addr(p, "param", param, n, "n"), addr(p, "grad", grad, n, "n"), addr(p, "m", m, n, "n"), addr(p, "v", v, n, "n"),
                n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    protected abstract void adamUpdate0(long param, long grad, long m, long v, long n, float lr, float beta1, float beta2,
                                        float eps, float weightDecay, boolean decoupled, int step);

    // ---- Hodgkin-Huxley window ------------------------------------------------------------------------------------

    private static long hhShape(String p, HhSpec spec, int batch, int neurons) {
        if (spec == null) throw new IllegalArgumentException(p + ": spec is null");
        nonNegative(p, "batch", batch);
        nonNegative(p, "neurons", neurons);
        return (long) batch * neurons;
    }

    @Override public final void hhForward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                          Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons) {
        String p = "hhForward";
        long bm = hhShape(p, spec, batch, neurons), k = spec.degree() + 1;
        hhForward0(spec, addr(p, "state", state, bm * 4, "batch*neurons*4"), addr(p, "current", current, bm, "batch*neurons"),
                opt(p, "cond", cond, 3L * neurons, "neurons*3"), addr(p, "stateOut", stateOut, bm * 4, "batch*neurons*4"),
                addr(p, "basisSum", basisSum, bm * k, "batch*neurons*(degree+1)"), addr(p, "spikes", spikes, bm, "batch*neurons"),
                batch, neurons);
    }

    /** cond is 0 for the spec's defaults. */
    protected abstract void hhForward0(HhSpec spec, long state, long current, long cond,
                                       long stateOut, long basisSum, long spikes, int batch, int neurons);

    @Override public final void hhBackward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                                           Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                                           Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons) {
        String p = "hhBackward";
        long bm = hhShape(p, spec, batch, neurons), k = spec.degree() + 1;
        if (dCond != null && cond == null)
            throw new IllegalArgumentException(p + ": dCond was given but cond is null "
                    + "(there is no gradient with respect to the spec's default conductances)");
        hhBackward0(spec, addr(p, "state", state, bm * 4, "batch*neurons*4"), addr(p, "current", current, bm, "batch*neurons"),
                opt(p, "cond", cond, 3L * neurons, "neurons*3"),
                opt(p, "dStateOut", dStateOut, bm * 4, "batch*neurons*4"),
                opt(p, "dBasisSum", dBasisSum, bm * k, "batch*neurons*(degree+1)"),
                opt(p, "dSpikes", dSpikes, bm, "batch*neurons"),
                addr(p, "dState", dState, bm * 4, "batch*neurons*4"), addr(p, "dCurrent", dCurrent, bm, "batch*neurons"),
                opt(p, "dCond", dCond, 3L * neurons, "neurons*3"), batch, neurons);
    }

    /** cond, dStateOut, dBasisSum, dSpikes and dCond may be 0 (dCond only with cond). */
    protected abstract void hhBackward0(HhSpec spec, long state, long current, long cond,
                                        long dStateOut, long dBasisSum, long dSpikes,
                                        long dState, long dCurrent, long dCond, int batch, int neurons);

    // ---- Legendre activations -------------------------------------------------------------------------------------

    // rows*cols after checking the shape; the degree has no upper bound (native code sizes its scratch from it, kernels
    // step P_k in registers).
    private static long legendreShape(String p, int rows, int cols, int degree) {
        long rc = matrix(p, rows, cols);
        nonNegative(p, "degree", degree);
        if (degree == Integer.MAX_VALUE) throw new IllegalArgumentException(p + ": degree " + degree + " is too large");
        return rc;
    }

    @Override public final void legendreForward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        String p = "legendreForward";
        long rc = legendreShape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        legendreForward0(addr(p, "x", x, rc, "rows*cols"), addr(p, "coeffs", coeffs, ck, "cols*(degree+1)"),
                addr(p, "y", y, rc, "rows*cols"), rows, cols, degree);
    }

    protected abstract void legendreForward0(long x, long coeffs, long y, int rows, int cols, int degree);

    @Override public final void legendreBackward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs, int rows, int cols, int degree) {
        String p = "legendreBackward";
        long rc = legendreShape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        legendreBackward0(addr(p, "x", x, rc, "rows*cols"), addr(p, "coeffs", coeffs, ck, "cols*(degree+1)"),
                addr(p, "dy", dy, rc, "rows*cols"), addr(p, "dx", dx, rc, "rows*cols"),
                opt(p, "dCoeffs", dCoeffs, ck, "cols*(degree+1)"), rows, cols, degree);
    }

    /** dCoeffs may be 0; dx may alias dy. */
    protected abstract void legendreBackward0(long x, long coeffs, long dy, long dx, long dCoeffs, int rows, int cols, int degree);

    @Override public final void legendreBasis(Buffer x, Buffer basis, int rows, int cols, int degree) {
        String p = "legendreBasis";
        long rc = legendreShape(p, rows, cols, degree);
        legendreBasis0(addr(p, "x", x, rc, "rows*cols"), addr(p, "basis", basis, rc * (degree + 1), "rows*cols*(degree+1)"),
                rows, cols, degree);
    }

    protected abstract void legendreBasis0(long x, long basis, int rows, int cols, int degree);

    @Override public final void legendreBasisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        String p = "legendreBasisBackward";
        long rc = legendreShape(p, rows, cols, degree);
        legendreBasisBackward0(addr(p, "x", x, rc, "rows*cols"), addr(p, "dBasis", dBasis, rc * (degree + 1), "rows*cols*(degree+1)"),
                addr(p, "dx", dx, rc, "rows*cols"), rows, cols, degree);
    }

    protected abstract void legendreBasisBackward0(long x, long dBasis, long dx, int rows, int cols, int degree);

    private static long readoutShape(String p, int batch, int neurons, int k) {
        nonNegative(p, "batch", batch);
        nonNegative(p, "neurons", neurons);
        nonNegative(p, "k", k);
        return (long) batch * neurons;
    }

    @Override public final void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        String p = "neuronReadout";
        long bm = readoutShape(p, batch, neurons, k);
        neuronReadout0(addr(p, "basis", basis, bm * k, "batch*neurons*k"), addr(p, "coeffs", coeffs, (long) neurons * k, "neurons*k"),
                addr(p, "y", y, bm, "batch*neurons"), batch, neurons, k);
    }

    protected abstract void neuronReadout0(long basis, long coeffs, long y, int batch, int neurons, int k);

    @Override public final void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis, Buffer dCoeffs,
                                                      int batch, int neurons, int k) {
        String p = "neuronReadoutBackward";
        long bm = readoutShape(p, batch, neurons, k), mk = (long) neurons * k;
        neuronReadoutBackward0(addr(p, "basis", basis, bm * k, "batch*neurons*k"), addr(p, "coeffs", coeffs, mk, "neurons*k"),
                addr(p, "dy", dy, bm, "batch*neurons"), opt(p, "dBasis", dBasis, bm * k, "batch*neurons*k"),
                opt(p, "dCoeffs", dCoeffs, mk, "neurons*k"), batch, neurons, k);
    }

    /** dBasis and dCoeffs may be 0. */
    protected abstract void neuronReadoutBackward0(long basis, long coeffs, long dy, long dBasis, long dCoeffs,
                                                   int batch, int neurons, int k);

    // ---- convolution, pooling, normalisation, concat (modulated networks, part A) -----------------------------------

    @Override public final void im2col(ConvGeom g, Buffer x, Buffer cols) {
        String p = "im2col";
        long n = geom(p, g).colRows() * g.colCols();
        im2col0(g, addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW"));
    }

    protected abstract void im2col0(ConvGeom g, long x, long cols);

    @Override public final void col2im(ConvGeom g, Buffer cols, Buffer x) {
        String p = "col2im";
        long n = geom(p, g).colRows() * g.colCols();
        col2im0(g, addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW"), addr(p, "x", x, g.inputSize(), "B*C*H*W"));
    }

    protected abstract void col2im0(ConvGeom g, long cols, long x);

    @Override public final void conv2d(ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String p = "conv2d";
        geom(p, g);
        nonNegative(p, "outChannels", outChannels);
        long ws = (long) outChannels * g.colRows(), ys = (long) g.batch() * outChannels * g.outH() * g.outW();
        conv2d0(g, outChannels, addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "w", w, ws, "OC*C*kh*kw"),
                opt(p, "bias", bias, outChannels, "OC"), addr(p, "y", y, ys, "B*OC*OH*OW"));
    }

    /** bias may be 0. */
    protected abstract void conv2d0(ConvGeom g, int outChannels, long x, long w, long bias, long y);

    @Override public final void conv2dBackward(ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw, Buffer dbias) {
        String p = "conv2dBackward";
        geom(p, g);
        nonNegative(p, "outChannels", outChannels);
        long ws = (long) outChannels * g.colRows(), ys = (long) g.batch() * outChannels * g.outH() * g.outW();
        conv2dBackward0(g, outChannels, addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "w", w, ws, "OC*C*kh*kw"),
                addr(p, "dy", dy, ys, "B*OC*OH*OW"), opt(p, "dx", dx, g.inputSize(), "B*C*H*W"), opt(p, "dw", dw, ws, "OC*C*kh*kw"),
                opt(p, "dbias", dbias, outChannels, "OC"));
    }

    /** dx, dw and dbias may be 0 (not wanted). */
    protected abstract void conv2dBackward0(ConvGeom g, int outChannels, long x, long w, long dy, long dx, long dw, long dbias);

    @Override public final void swapAxes(Buffer x, Buffer y, int a, int b, int inner) {
        String p = "swapAxes";
        nonNegative(p, "a", a);
        nonNegative(p, "b", b);
        nonNegative(p, "inner", inner);
        long n = (long) a * b * inner;
        long px = addr(p, "x", x, n, "a*b*inner"), py = addr(p, "y", y, n, "a*b*inner");
        if (px == py && n > 0) throw new IllegalArgumentException(p + ": y may not alias x");
        swapAxes0(px, py, a, b, inner);
    }

    protected abstract void swapAxes0(long x, long y, int a, int b, int inner);

    @Override public final void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) {
        String p = "addChannelBias";
        long n = sizes(p, outer, channels, inner);
        addChannelBias0(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "bias", bias, channels, "channels"),
                addr(p, "y", y, n, "outer*channels*inner"), outer, channels, inner);
    }

    protected abstract void addChannelBias0(long x, long bias, long y, int outer, int channels, int inner);

    @Override public final void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) {
        String p = "sumChannels";
        long n = sizes(p, outer, channels, inner);
        sumChannels0(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "y", y, channels, "channels"), outer, channels, inner, beta);
    }

    protected abstract void sumChannels0(long x, long y, int outer, int channels, int inner, float beta);

    @Override public final void maxPool(ConvGeom g, Buffer x, Buffer y, Buffer argmax) {
        String p = "maxPool";
        long out = geom(p, g).outputSize();
        maxPool0(g, addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "y", y, out, "B*C*OH*OW"),
                addr(p, "argmax", argmax, out, "B*C*OH*OW"));
    }

    protected abstract void maxPool0(ConvGeom g, long x, long y, long argmax);

    @Override public final void maxPoolBackward(ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) {
        String p = "maxPoolBackward";
        long out = geom(p, g).outputSize();
        maxPoolBackward0(g, addr(p, "dy", dy, out, "B*C*OH*OW"), addr(p, "argmax", argmax, out, "B*C*OH*OW"),
                addr(p, "dx", dx, g.inputSize(), "B*C*H*W"));
    }

    protected abstract void maxPoolBackward0(ConvGeom g, long dy, long argmax, long dx);

    @Override public final void avgPool(ConvGeom g, Buffer x, Buffer y) {
        String p = "avgPool";
        long out = geom(p, g).outputSize();
        avgPool0(g, addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "y", y, out, "B*C*OH*OW"));
    }

    protected abstract void avgPool0(ConvGeom g, long x, long y);

    @Override public final void avgPoolBackward(ConvGeom g, Buffer dy, Buffer dx) {
        String p = "avgPoolBackward";
        long out = geom(p, g).outputSize();
        avgPoolBackward0(g, addr(p, "dy", dy, out, "B*C*OH*OW"), addr(p, "dx", dx, g.inputSize(), "B*C*H*W"));
    }

    protected abstract void avgPoolBackward0(ConvGeom g, long dy, long dx);

    @Override public final void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean,
                                          Buffer rstd, int outer, int channels, int inner, float momentum, float eps, boolean training) {
        String p = "batchNorm";
        long n = sizes(p, outer, channels, inner);
        batchNorm0(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "gamma", gamma, channels, "channels"),
                addr(p, "beta", beta, channels, "channels"), addr(p, "runMean", runMean, channels, "channels"),
                addr(p, "runVar", runVar, channels, "channels"), addr(p, "y", y, n, "outer*channels*inner"),
                addr(p, "mean", mean, channels, "channels"), addr(p, "rstd", rstd, channels, "channels"),
                outer, channels, inner, momentum, eps, training);
    }

    protected abstract void batchNorm0(long x, long gamma, long beta, long runMean, long runVar, long y, long mean, long rstd,
                                       int outer, int channels, int inner, float momentum, float eps, boolean training);

    @Override public final void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                                  Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        String p = "batchNormBackward";
        long n = sizes(p, outer, channels, inner);
        batchNormBackward0(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "gamma", gamma, channels, "channels"),
                addr(p, "mean", mean, channels, "channels"), addr(p, "rstd", rstd, channels, "channels"),
                addr(p, "dy", dy, n, "outer*channels*inner"), addr(p, "dx", dx, n, "outer*channels*inner"),
                addr(p, "dgamma", dgamma, channels, "channels"), addr(p, "dbeta", dbeta, channels, "channels"), outer, channels, inner);
    }

    protected abstract void batchNormBackward0(long x, long gamma, long mean, long rstd, long dy, long dx, long dgamma, long dbeta,
                                               int outer, int channels, int inner);

    private static int channelSum(String p, int outer, int ca, int cb, int inner) {
        nonNegative(p, "outer", outer);
        nonNegative(p, "ca", ca);
        nonNegative(p, "cb", cb);
        nonNegative(p, "inner", inner);
        return Math.addExact(ca, cb);
    }

    @Override public final void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) {
        String p = "concatChannels";
        int cy = channelSum(p, outer, ca, cb, inner);
        concatChannels0(addr(p, "a", a, (long) outer * ca * inner, "outer*ca*inner"), addr(p, "b", b, (long) outer * cb * inner, "outer*cb*inner"),
                addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner"), outer, ca, cb, inner);
    }

    protected abstract void concatChannels0(long a, long b, long y, int outer, int ca, int cb, int inner);

    @Override public final void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) {
        String p = "splitChannels";
        int cy = channelSum(p, outer, ca, cb, inner);
        splitChannels0(addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner"),
                opt(p, "a", a, (long) outer * ca * inner, "outer*ca*inner"), opt(p, "b", b, (long) outer * cb * inner, "outer*cb*inner"),
                outer, ca, cb, inner);
    }

    /** a or b may be 0 (not wanted). */
    protected abstract void splitChannels0(long y, long a, long b, int outer, int ca, int cb, int inner);

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -----------------------------------

    @Override public final void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out, int outer, int channels, int inner) {
        String p = "modActForward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        modActForward0(act.ordinal(), modAct.ordinal(), addr(p, "v", v, n, "outer*channels*inner"), addr(p, "u", u, nu, "outer*inner"),
                addr(p, "out", out, n, "outer*channels*inner"), outer, channels, inner);
    }

    protected abstract void modActForward0(int act, int modAct, long v, long u, long out, int outer, int channels, int inner);

    @Override public final void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                                               int outer, int channels, int inner) {
        String p = "modActBackward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        modActBackward0(act.ordinal(), modAct.ordinal(), addr(p, "v", v, n, "outer*channels*inner"), addr(p, "u", u, nu, "outer*inner"),
                addr(p, "dout", dout, n, "outer*channels*inner"), opt(p, "dv", dv, n, "outer*channels*inner"),
                opt(p, "du", du, nu, "outer*inner"), outer, channels, inner);
    }

    /** dv and du may be 0 (not wanted); dv may alias dout. */
    protected abstract void modActBackward0(int act, int modAct, long v, long u, long dout, long dv, long du,
                                            int outer, int channels, int inner);

    @Override public final void lstmCellForward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev, Buffer mask,
                                                Buffer c, Buffer h, int batch, int hidden) {
        String p = "lstmCellForward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        lstmCellForward0(cell.ordinal(), modAct == null ? 0 : modAct.ordinal(), addr(p, "gates", gates, bgh, "batch*G*hidden"),
                addr(p, "cPrev", cPrev, bh, "batch*hidden"), addr(p, "hPrev", hPrev, bh, "batch*hidden"),
                opt(p, "mask", mask, batch, "batch"), addr(p, "c", c, bh, "batch*hidden"), addr(p, "h", h, bh, "batch*hidden"),
                batch, hidden);
    }

    /** mask may be 0 (every row valid); modAct is 0 for the cells without a modulator. */
    protected abstract void lstmCellForward0(int cell, int modAct, long gates, long cPrev, long hPrev, long mask,
                                             long c, long h, int batch, int hidden);

    @Override public final void lstmCellBackward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask, Buffer dc,
                                                 Buffer dh, Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        String p = "lstmCellBackward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        lstmCellBackward0(cell.ordinal(), modAct == null ? 0 : modAct.ordinal(), addr(p, "gates", gates, bgh, "batch*G*hidden"),
                addr(p, "cPrev", cPrev, bh, "batch*hidden"), opt(p, "mask", mask, batch, "batch"),
                opt(p, "dc", dc, bh, "batch*hidden"), opt(p, "dh", dh, bh, "batch*hidden"),
                addr(p, "dGates", dGates, bgh, "batch*G*hidden"), addr(p, "dcPrev", dcPrev, bh, "batch*hidden"),
                addr(p, "dhPrev", dhPrev, bh, "batch*hidden"), batch, hidden);
    }

    /** mask, dc and dh may be 0. */
    protected abstract void lstmCellBackward0(int cell, int modAct, long gates, long cPrev, long mask, long dc, long dh,
                                              long dGates, long dcPrev, long dhPrev, int batch, int hidden);

    @Override public final void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        String p = "embeddingForward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        embeddingForward0(addr(p, "table", table, (long) vocab * dim, "vocab*dim"), ids, addr(p, "out", out, (long) n * dim, "n*dim"),
                n, vocab, dim);
    }

    /** Every id is in [0, vocab). */
    protected abstract void embeddingForward0(long table, int[] ids, long out, int n, int vocab, int dim);

    @Override public final void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        String p = "embeddingBackward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        embeddingBackward0(ids, addr(p, "dOut", dOut, (long) n * dim, "n*dim"), addr(p, "dTable", dTable, (long) vocab * dim, "vocab*dim"),
                n, vocab, dim);
    }

    /** Every id is in [0, vocab). */
    protected abstract void embeddingBackward0(int[] ids, long dOut, long dTable, int n, int vocab, int dim);
}
