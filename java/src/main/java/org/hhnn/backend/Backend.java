package org.hhnn.backend;

/**
 * The backend contract: one short table of coarse float32 primitives on flat {@link Buffer}s.
 * Everything above it (tensors, the autograd tape, modules, optimizers) is written once.
 *
 * <p>Conventions (every implementation follows them exactly; {@code ReferenceBackend} is the spec):
 * <ul>
 *   <li>Matrices are row-major and contiguous. Shapes are given as ints; buffers may be longer.</li>
 *   <li>"out" buffers are overwritten unless a {@code beta} says otherwise. Outputs may not alias
 *       inputs unless stated.</li>
 *   <li>Reductions accumulate in at least float32 with a deterministic order for a fixed thread count
 *       (the reference accumulates in float64).</li>
 * </ul>
 */
public interface Backend {

    /** Short name used on the command line: reference, cpu, cuda, cuda-emulated. */
    String name();

    // ---- memory ---------------------------------------------------------------------------

    /** A new zero-filled buffer of n floats. */
    Buffer alloc(long n);

    /**
     * A new buffer of n floats whose contents are unspecified, for outputs that a primitive
     * overwrites entirely (saves the zero fill on large activations). Defaults to {@link #alloc}.
     */
    default Buffer allocUninitialized(long n) { return alloc(n); }

    /** Releases a buffer; freeing twice is a no-op. */
    void free(Buffer b);

    /** dst[0..src.length) = src. */
    void upload(float[] src, Buffer dst);

    /** dst[0..dst.length) = src[0..dst.length). */
    void download(Buffer src, float[] dst);

    /** dst[dstOff + i] = src[srcOff + i] for i in [0, n). */
    void copy(Buffer src, long srcOff, Buffer dst, long dstOff, long n);

    /** dst[i] = value for i in [0, n). */
    void fill(Buffer dst, float value, long n);

    // ---- linear algebra -------------------------------------------------------------------

    /**
     * C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is k x n, C is m x n.
     * With transA, A is stored k x m; with transB, B is stored n x k. beta = 0 ignores C's contents
     * (even NaN).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Buffer a, Buffer b, float beta, Buffer c);

    /** y[r, c] = x[r, c] + bias[c] for a rows x cols matrix (y may alias x). */
    void addBias(Buffer x, Buffer bias, Buffer y, int rows, int cols);

    /** y[c] = beta * y[c] + sum_r x[r, c]  (reduce over axis 0 of a rows x cols matrix). */
    void sumRows(Buffer x, Buffer y, int rows, int cols, float beta);

    /** y[r] = beta * y[r] + sum_c x[r, c]  (reduce over axis 1). */
    void sumCols(Buffer x, Buffer y, int rows, int cols, float beta);

    // ---- elementwise ----------------------------------------------------------------------

    /** y[i] = f(x[i]) for i in [0, n) (y may alias x). */
    void unary(UnaryOp op, Buffer x, Buffer y, long n);

    /** dx[i] = dy[i] * f'(x[i]), where y = f(x) is also given (dx may alias dy). */
    void unaryBackward(UnaryOp op, Buffer x, Buffer y, Buffer dy, Buffer dx, long n);

    /** out[i] = a[i] (op) b[i] (out may alias a or b). */
    void binary(BinaryOp op, Buffer a, Buffer b, Buffer out, long n);

    /** y[i] = alpha * x[i] + beta * y[i]; beta = 0 ignores y's contents. */
    void axpby(float alpha, Buffer x, float beta, Buffer y, long n);

    /** sum_i x[i]^2, accumulated in float64. */
    double sumSquares(Buffer x, long n);

    /** sum_i x[i], accumulated in float64. */
    double sum(Buffer x, long n);

    // ---- losses and regularisation --------------------------------------------------------

    /**
     * Row-wise softmax of logits [rows, cols] into probs, and the cross-entropy of each row against
     * labels[r] (an int class index in [0, cols)) into loss [rows]: loss[r] = -log softmax(logits)[r, label].
     * Computed stably (max-subtracted, log-sum-exp).
     */
    void softmaxCrossEntropy(Buffer logits, int[] labels, Buffer probs, Buffer loss, int rows, int cols);

    /** dlogits[r, c] = scale * (probs[r, c] - [c == labels[r]]). */
    void softmaxCrossEntropyBackward(Buffer probs, int[] labels, float scale, Buffer dlogits, int rows, int cols);

    /**
     * Inverted dropout: mask[i] = keep ? 1/(1-p) : 0 with keep = uniform(seed, i) >= p, where
     * uniform is the counter-based hash in {@link DropoutRng} (identical on every backend);
     * y[i] = x[i] * mask[i].
     */
    void dropout(Buffer x, Buffer mask, Buffer y, float p, long seed, long n);

    /**
     * Layer norm over the last axis of x [rows, cols]: mean[r], rstd[r] = 1/sqrt(var + eps)
     * (biased variance), y = (x - mean) * rstd * gamma + beta.
     */
    void layerNorm(Buffer x, Buffer gamma, Buffer beta, Buffer y, Buffer mean, Buffer rstd,
                   int rows, int cols, float eps);

    /**
     * Gradients of {@link #layerNorm}: dx (overwritten), dgamma and dbeta (accumulated: += ).
     */
    void layerNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                           Buffer dx, Buffer dgamma, Buffer dbeta, int rows, int cols);

    // ---- fused optimizer updates ----------------------------------------------------------

    /**
     * SGD with momentum and L2 weight decay, PyTorch semantics:
     * g' = g + wd * p; v = momentum * v + g'; p -= lr * (nesterov ? g' + momentum * v : v).
     * With momentum = 0, velocity may be null.
     */
    void sgdUpdate(Buffer param, Buffer grad, Buffer velocity, long n,
                   float lr, float momentum, float weightDecay, boolean nesterov);

    /**
     * Adam (decoupled = false: L2 decay added to g) or AdamW (decoupled = true:
     * p -= lr * wd * p before the Adam step). step is 1-based; bias correction uses it:
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; mhat = m/(1-b1^step); vhat = v/(1-b2^step);
     * p -= lr * mhat / (sqrt(vhat) + eps).
     */
    void adamUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                    float lr, float beta1, float beta2, float eps, float weightDecay,
                    boolean decoupled, int step);

    // ---- Hodgkin-Huxley window (DESIGN.md § HH layer; kernels/hh.cuh) -----------------------

    /**
     * Runs {@code spec.steps()} HH steps for every (batch b, neuron j), each neuron independent, with
     * the input current constant over the window. Nothing per step is written to memory.
     * <ul>
     *   <li>state (B, M, 4): V, m, h, n at the window start; stateOut (B, M, 4) at its end (may not alias).</li>
     *   <li>current (B, M): I_ext in µA/cm².</li>
     *   <li>cond (M, 3): per-neuron g_Na, g_K, g_L, or null for spec's defaults.</li>
     *   <li>One step from (V, m, h, n): rates α, β at V (removable singularities of α_m at −40 and
     *       α_n at −55 handled); each gate x ← x∞ + (x − x∞)·exp(−dt(α+β)) with x∞ = α/(α+β);
     *       V ← V + dt/C_m·(I − g_Na m³h(V−E_Na) − g_K n⁴(V−E_K) − g_L(V−E_L)) with the OLD gates.</li>
     *   <li>basisSum (B, M, D+1) = Σ_{t=1..w} P_k(x_t), x_t = clamp((V_t + 15)/75, −1, 1), V_t the
     *       voltage after step t; P_k the Legendre polynomials (recurrence (k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}).</li>
     *   <li>spikes (B, M) = number of t in 1..w with V_{t−1} &lt; vTh ≤ V_t (V_0 = the start voltage).</li>
     * </ul>
     */
    void hhForward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                   Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons);

    /**
     * Backward of {@link #hhForward}: recomputes the window from its start state (checkpointing) and
     * backpropagates through its steps. Incoming gradients (each may be null = zero):
     * dStateOut (B, M, 4), dBasisSum (B, M, D+1), dSpikes (B, M). The spike count is not
     * differentiable; its gradient uses the surrogate ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ)·(1 − σ((V_{t−1} − vTh)/κ))
     * (straight-through: the forward value stays the hard count). The clamp in x_t passes no gradient
     * outside (−1, 1). Outputs: dState (B, M, 4) and dCurrent (B, M) overwritten; dCond (M, 3)
     * accumulated (+=, summed over the batch) when not null (then cond must not be null either).
     */
    void hhBackward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                    Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                    Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons);

    // ---- Legendre activations (DESIGN.md § HH layer, paper 2.4/3.4; kernels/legendre.cuh) ---

    /**
     * Per-neuron Legendre activation on x (rows, cols): y[r, j] = Σ_{k=0..D} coeffs[j, k] · P_k(clamp(x[r, j], −1, 1)),
     * coeffs (cols, D+1).
     */
    void legendreForward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree);

    /**
     * Gradients of {@link #legendreForward}: dx (rows, cols) overwritten (0 where |x| &gt; 1);
     * dCoeffs (cols, D+1) accumulated (+=) when not null.
     */
    void legendreBackward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs, int rows, int cols, int degree);

    /** Feature expansion for the dense ("KAN") form: basis[r, j, k] = P_k(clamp(x[r, j], −1, 1)), basis (rows, cols, D+1). */
    void legendreBasis(Buffer x, Buffer basis, int rows, int cols, int degree);

    /** dx[r, j] = Σ_k dBasis[r, j, k] · P_k'(x[r, j]) (0 where |x| &gt; 1), overwritten. */
    void legendreBasisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree);

    /**
     * Per-neuron contraction of a basis with coefficients: y[b, j] = Σ_k basis[b, j, k] · coeffs[j, k];
     * basis (B, M, K), coeffs (M, K), y (B, M). The HH layer's per-neuron readout of {@link #hhForward}'s basisSum.
     */
    void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k);

    /** Gradients of {@link #neuronReadout}: dBasis (B, M, K) overwritten when not null; dCoeffs (M, K) accumulated (+=) when not null. */
    void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis, Buffer dCoeffs, int batch, int neurons, int k);

    // ---- convolution, pooling, normalisation, concat (modulated networks, part A) -------------

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -------------
}
