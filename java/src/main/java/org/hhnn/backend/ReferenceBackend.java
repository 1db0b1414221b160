package org.hhnn.backend;

/**
 * The executable specification: plain Java loops, float64 accumulation, written independently of
 * the native and CUDA math (it is the check, so it shares none of their code). In
 * {@link Precision#F32} mode (the default, {@code --backend reference}) each result is rounded to
 * float32 when stored; in {@link Precision#F64} mode nothing is rounded, which is what the
 * finite-difference gradient checks run on.
 *
 * <p>The HH, Legendre, convolution and modulated primitives are the default methods of the topic interfaces this
 * class implements ({@code ReferenceHh}, {@code ReferenceLegendre}, {@code ReferenceConv}, {@code ReferenceModulated}),
 * so each reference primitive is written once, where its topic's helpers are.
 */
public final class ReferenceBackend implements ReferenceConv, ReferenceModulated, ReferenceHh, ReferenceLegendre {

    public enum Precision { F32, F64 }

    private static final ReferenceBackend F32 = new ReferenceBackend(Precision.F32);
    private static final ReferenceBackend F64 = new ReferenceBackend(Precision.F64);

    private final Precision precision;

    private ReferenceBackend(Precision precision) { this.precision = precision; }

    /** The float32 reference ({@code --backend reference}). */
    public static ReferenceBackend get() { return F32; }

    /** The float64 reference used by gradient checks. */
    public static ReferenceBackend f64() { return F64; }

    public Precision precision() { return precision; }

    @Override public String name() { return precision == Precision.F32 ? "reference" : "reference-f64"; }

    private double r(double v) { return precision == Precision.F32 ? (double) (float) v : v; }

    /** Rounds a result to the storage precision (float32 in F32 mode); used by the topic classes. */
    double round(double v) { return r(v); }

    /** The storage array of a reference buffer (topic classes in this package use it). */
    static double[] data(Buffer b) { return d(b); }

    private static double[] d(Buffer b) {
        b.checkLive();
        return ((ReferenceBuffer) b).data;
    }

    private static int len(long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("reference backend buffers hold at most 2^31-1 floats, asked for " + n);
        return (int) n;
    }

    // ---- memory ---------------------------------------------------------------------------

    @Override public Buffer alloc(long n) { return new ReferenceBuffer(len(n)); }

    @Override public void free(Buffer b) { b.markFreed(); }

    @Override public void upload(float[] src, Buffer dst) {
        double[] o = d(dst);
        for (int i = 0; i < src.length; i++) o[i] = src[i];
    }

    @Override public void download(Buffer src, float[] dst) {
        double[] s = d(src);
        for (int i = 0; i < dst.length; i++) dst[i] = (float) s[i];
    }

    /** Float64 access for gradient checks and tests. */
    public void uploadDouble(double[] src, Buffer dst) {
        double[] o = d(dst);
        for (int i = 0; i < src.length; i++) o[i] = r(src[i]);
    }

    public double[] downloadDouble(Buffer src) { return d(src).clone(); }

    @Override public void copy(Buffer src, long srcOff, Buffer dst, long dstOff, long n) {
        System.arraycopy(d(src), len(srcOff), d(dst), len(dstOff), len(n));
    }

    @Override public void fill(Buffer dst, float value, long n) {
        java.util.Arrays.fill(d(dst), 0, len(n), value);
    }

    // ---- linear algebra -------------------------------------------------------------------

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        double[] A = d(a), B = d(b), C = d(c);
        double[] acc = new double[m * n];
        if (!transA && !transB) {
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++) {
                    double av = A[i * k + p];
                    int bo = p * n, co = i * n;
                    for (int j = 0; j < n; j++) acc[co + j] += av * B[bo + j];
                }
        } else if (!transA) { // B stored n x k
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    int ao = i * k, bo = j * k;
                    for (int p = 0; p < k; p++) s += A[ao + p] * B[bo + p];
                    acc[i * n + j] = s;
                }
        } else if (!transB) { // A stored k x m
            for (int p = 0; p < k; p++)
                for (int i = 0; i < m; i++) {
                    double av = A[p * m + i];
                    int bo = p * n, co = i * n;
                    for (int j = 0; j < n; j++) acc[co + j] += av * B[bo + j];
                }
        } else {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += A[p * m + i] * B[j * k + p];
                    acc[i * n + j] = s;
                }
        }
        for (int i = 0; i < m * n; i++)
            C[i] = r(alpha * acc[i] + (beta == 0f ? 0.0 : beta * C[i]));
    }

    @Override public void addBias(Buffer x, Buffer bias, Buffer y, int rows, int cols) {
        double[] X = d(x), Bv = d(bias), Y = d(y);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) Y[i * cols + j] = r(X[i * cols + j] + Bv[j]);
    }

    @Override public void sumRows(Buffer x, Buffer y, int rows, int cols, float beta) { sum(x, y, cols, 1, rows, cols, beta); }

    @Override public void sumCols(Buffer x, Buffer y, int rows, int cols, float beta) { sum(x, y, rows, cols, cols, 1, beta); }

    // y[a] = beta·y[a] + Σ_b x[a·strideA + b·strideB] for a < n, b < m (beta = 0 never reads y).
    private void sum(Buffer x, Buffer y, int n, int strideA, int m, int strideB, float beta) {
        double[] X = d(x), Y = d(y);
        for (int a = 0; a < n; a++) {
            double s = 0;
            for (int b = 0; b < m; b++) s += X[a * strideA + b * strideB];
            Y[a] = r((beta == 0f ? 0.0 : beta * Y[a]) + s);
        }
    }

    // ---- elementwise ----------------------------------------------------------------------

    /** f(x), written from the textbook definitions. */
    static double apply(UnaryOp op, double x) {
        switch (op) {
            case IDENTITY: return x;
            case RELU: return x > 0 ? x : 0;
            case SIGMOID: return 1.0 / (1.0 + Math.exp(-x));
            case TANH: return Math.tanh(x);
            case TANHSHRINK: // x - tanh x cancels for small x: use its Taylor series x³/3 - 2x⁵/15 + 17x⁷/315
                if (Math.abs(x) < 1e-2) { double x2 = x * x; return x * x2 * (1.0 / 3 - x2 * (2.0 / 15 - x2 * 17.0 / 315)); }
                return x - Math.tanh(x);
            case SOFTPLUS: return x > 20 ? x : Math.log1p(Math.exp(x)); // log(1+e^x), linear tail
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            default: throw new AssertionError(op);
        }
    }

    /** f'(x), given x and y = f(x). */
    static double derivative(UnaryOp op, double x, double y) {
        switch (op) {
            case IDENTITY: return 1;
            case RELU: return x > 0 ? 1 : 0;
            case SIGMOID: return y * (1 - y);
            case TANH: return 1 - y * y;
            case TANHSHRINK: { double t = Math.tanh(x); return t * t; }
            case SOFTPLUS: return 1.0 / (1.0 + Math.exp(-x));
            case EXP: return y;
            case LOG: return 1.0 / x;
            default: throw new AssertionError(op);
        }
    }

    @Override public void unary(UnaryOp op, Buffer x, Buffer y, long n) {
        double[] X = d(x), Y = d(y);
        for (int i = 0; i < len(n); i++) Y[i] = r(apply(op, X[i]));
    }

    @Override public void unaryBackward(UnaryOp op, Buffer x, Buffer y, Buffer dy, Buffer dx, long n) {
        double[] X = d(x), Y = d(y), DY = d(dy), DX = d(dx);
        for (int i = 0; i < len(n); i++) DX[i] = r(DY[i] * derivative(op, X[i], Y[i]));
    }

    @Override public void binary(BinaryOp op, Buffer a, Buffer b, Buffer out, long n) {
        double[] A = d(a), B = d(b), O = d(out);
        for (int i = 0; i < len(n); i++) {
            double v;
            switch (op) {
                case ADD: v = A[i] + B[i]; break;
                case SUB: v = A[i] - B[i]; break;
                case MUL: v = A[i] * B[i]; break;
                default: throw new AssertionError(op);
            }
            O[i] = r(v);
        }
    }

    @Override public void axpby(float alpha, Buffer x, float beta, Buffer y, long n) {
        double[] X = d(x), Y = d(y);
        for (int i = 0; i < len(n); i++) Y[i] = r(alpha * X[i] + (beta == 0f ? 0.0 : beta * Y[i]));
    }

    @Override public double sumSquares(Buffer x, long n) {
        double[] X = d(x);
        double s = 0;
        for (int i = 0; i < len(n); i++) s += X[i] * X[i];
        return s;
    }

    @Override public double sum(Buffer x, long n) {
        double[] X = d(x);
        double s = 0;
        for (int i = 0; i < len(n); i++) s += X[i];
        return s;
    }

    // ---- losses and regularisation --------------------------------------------------------

    @Override public void softmaxCrossEntropy(Buffer logits, int[] labels, Buffer probs, Buffer loss, int rows, int cols) {
        double[] L = d(logits), P = d(probs), O = d(loss);
        for (int i = 0; i < rows; i++) {
            int label = labels[i];
            if (label < 0 || label >= cols)
                throw new IllegalArgumentException("label " + label + " at row " + i + " is outside [0, " + cols + ")");
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, L[i * cols + j]);
            double z = 0;
            for (int j = 0; j < cols; j++) z += Math.exp(L[i * cols + j] - max);
            double logZ = max + Math.log(z);
            for (int j = 0; j < cols; j++) P[i * cols + j] = r(Math.exp(L[i * cols + j] - logZ));
            O[i] = r(logZ - L[i * cols + label]);
        }
    }

    @Override public void softmaxCrossEntropyBackward(Buffer probs, int[] labels, float scale, Buffer dlogits, int rows, int cols) {
        double[] P = d(probs), D = d(dlogits);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                D[i * cols + j] = r(scale * (P[i * cols + j] - (j == labels[i] ? 1.0 : 0.0)));
    }

    @Override public void softmaxCrossEntropyGrad(Buffer logits, int[] labels, float scale, Buffer loss, Buffer dlogits, int rows, int cols) {
        double[] L = d(logits), O = d(loss), D = d(dlogits);
        for (int i = 0; i < rows; i++)
            if (labels[i] < 0 || labels[i] >= cols)
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is outside [0, " + cols + ")");
        for (int i = 0; i < rows; i++) {
            int label = labels[i];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, L[i * cols + j]);
            double z = 0;
            for (int j = 0; j < cols; j++) z += Math.exp(L[i * cols + j] - max);
            double logZ = max + Math.log(z), target = L[i * cols + label];
            O[i] = r(logZ - target);
            // dlogits may be logits: each entry is read before it is overwritten
            for (int j = 0; j < cols; j++) D[i * cols + j] = r(scale * (Math.exp(L[i * cols + j] - logZ) - (j == label ? 1.0 : 0.0)));
        }
    }

    @Override public void dropout(Buffer x, Buffer mask, Buffer y, float p, long seed, long n) {
        double[] X = d(x), M = d(mask), Y = d(y);
        double keepScale = 1.0 / (1.0 - p);
        for (int i = 0; i < len(n); i++) {
            M[i] = DropoutRng.uniform(seed, i) >= p ? r(keepScale) : 0.0;
            Y[i] = r(X[i] * M[i]);
        }
    }

    @Override public void layerNorm(Buffer x, Buffer gamma, Buffer beta, Buffer y, Buffer mean, Buffer rstd,
                                    int rows, int cols, float eps) {
        double[] X = d(x), G = d(gamma), Bt = d(beta), Y = d(y), MU = d(mean), RS = d(rstd);
        for (int i = 0; i < rows; i++) {
            double mu = 0;
            for (int j = 0; j < cols; j++) mu += X[i * cols + j];
            mu /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) { double c = X[i * cols + j] - mu; var += c * c; }
            var /= cols;
            double rs = 1.0 / Math.sqrt(var + eps);
            for (int j = 0; j < cols; j++) Y[i * cols + j] = r((X[i * cols + j] - mu) * rs * G[j] + Bt[j]);
            MU[i] = r(mu);
            RS[i] = r(rs);
        }
    }

    @Override public void layerNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                            Buffer dx, Buffer dgamma, Buffer dbeta, int rows, int cols) {
        double[] X = d(x), G = d(gamma), MU = d(mean), RS = d(rstd), DY = d(dy), DX = d(dx), DG = d(dgamma), DB = d(dbeta);
        double[] dg = new double[cols], db = new double[cols];
        for (int i = 0; i < rows; i++) {
            double mu = MU[i], rs = RS[i];
            // xhat = (x - mu) rs; dxhat = dy * gamma;
            // dx = rs * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
            double mDx = 0, mDxX = 0;
            for (int j = 0; j < cols; j++) {
                double xh = (X[i * cols + j] - mu) * rs;
                double dxh = DY[i * cols + j] * G[j];
                mDx += dxh;
                mDxX += dxh * xh;
                dg[j] += DY[i * cols + j] * xh;
                db[j] += DY[i * cols + j];
            }
            mDx /= cols;
            mDxX /= cols;
            for (int j = 0; j < cols; j++) {
                double xh = (X[i * cols + j] - mu) * rs;
                double dxh = DY[i * cols + j] * G[j];
                DX[i * cols + j] = r(rs * (dxh - mDx - xh * mDxX));
            }
        }
        for (int j = 0; j < cols; j++) {
            DG[j] = r(DG[j] + dg[j]);
            DB[j] = r(DB[j] + db[j]);
        }
    }

    // ---- fused optimizer updates ----------------------------------------------------------

    @Override public void sgdUpdate(Buffer param, Buffer grad, Buffer velocity, long n,
                                    float lr, float momentum, float weightDecay, boolean nesterov) {
        double[] P = d(param), Gr = d(grad);
        double[] V = momentum != 0f ? d(velocity) : null;
        for (int i = 0; i < len(n); i++) {
            double g = Gr[i] + (double) weightDecay * P[i];
            double step = g;
            if (V != null) {
                V[i] = r(momentum * V[i] + g);
                step = nesterov ? g + momentum * V[i] : V[i];
            }
            P[i] = r(P[i] - lr * step);
        }
    }

    @Override public void adamUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                     float lr, float beta1, float beta2, float eps, float weightDecay,
                                     boolean decoupled, int step) {
        double[] P = d(param), Gr = d(grad), M = d(m), Vv = d(v);
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < len(n); i++) {
            double p = P[i];
            double g = Gr[i];
            if (decoupled) p = p - (double) lr * weightDecay * p;
            else g = g + (double) weightDecay * p;
            M[i] = r(beta1 * M[i] + (1 - (double) beta1) * g);
            Vv[i] = r(beta2 * Vv[i] + (1 - (double) beta2) * g * g);
            double mh = M[i] / bc1, vh = Vv[i] / bc2;
            P[i] = r(p - lr * mh / (Math.sqrt(vh) + eps));
        }
    }

    // ---- HH window and Legendre: written in ReferenceHh / ReferenceLegendre -----------------

    // ---- convolution, pooling, normalisation, concat (modulated networks, part A) -------------

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -------------
    // Written in ReferenceModulated.

}
