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

    /**
     * Returns once every call made so far has finished. The reference and cpu backends finish each call before it
     * returns; cuda queues kernels on a stream, so a timer must call this before it reads the clock (a benchmark that
     * does not times kernel launches, not kernels).
     */
    default void synchronize() {}

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
     * {@link #softmaxCrossEntropy} and its backward fused, for large vocabularies (the language models' 10,000-word
     * decoder): loss[r] = logsumexp(logits[r, :]) − logits[r, labels[r]] and dlogits[r, c] = scale·(softmax(logits)[r, c]
     * − [c == labels[r]]), one pass per row that never writes the probabilities. dlogits may alias logits (the logits are
     * then replaced by their gradient). Labels as {@link #softmaxCrossEntropy} (checked before anything is written).
     */
    void softmaxCrossEntropyGrad(Buffer logits, int[] labels, float scale, Buffer loss, Buffer dlogits, int rows, int cols);

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
     *   <li>spikes (B, M) = number of t in 1..w with V_{t−1} &lt; vTh ≤ V_t (V_0 = the start voltage); with
     *       {@code spec.countAbove()} instead the number of t in 1..w with V_t ≥ vTh (time above threshold in steps,
     *       for the paper's rate formula 2.5).</li>
     * </ul>
     */
    void hhForward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                   Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons);

    /**
     * Backward of {@link #hhForward}: recomputes the window from its start state (checkpointing) and
     * backpropagates through its steps. Incoming gradients (each may be null = zero):
     * dStateOut (B, M, 4), dBasisSum (B, M, D+1), dSpikes (B, M). The spike count is not
     * differentiable; its gradient uses the surrogate ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ)·(1 − σ((V_{t−1} − vTh)/κ))
     * (straight-through: the forward value stays the hard count); with {@code spec.countAbove()} the surrogate of the
     * time above threshold is ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ). The clamp in x_t passes no gradient
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

    /**
     * Unfolds the windows of x (B, C, H, W) into cols (C·kh·kw, B·OH·OW), g's geometry:
     * cols[(c, ky, kx), (b, oy, ox)] = x[b, c, oy·stride − pad + ky, ox·stride − pad + kx], 0 where that is padding.
     * Overwrites cols. A convolution is then one gemm: W (OC, C·kh·kw) · cols = y (OC, B·OH·OW), i.e. (OC, B, OH·OW).
     */
    void im2col(ConvGeom g, Buffer x, Buffer cols);

    /**
     * The adjoint of {@link #im2col}: x (B, C, H, W) += every entry of cols (C·kh·kw, B·OH·OW) added at the position it
     * was read from (padding entries are dropped). Accumulates; each x entry sums its ≤ kh·kw terms in (ky, kx) order.
     */
    void col2im(ConvGeom g, Buffer cols, Buffer x);

    /**
     * 2-d convolution (cross-correlation, as PyTorch) with g's geometry: y (B, OC, OH, OW), overwritten, =
     * Σ_{c, ky, kx} w[oc, c, ky, kx] · x[b, c, oy·stride − pad + ky, ox·stride − pad + kx] (0 in the padding) + bias[oc];
     * x (B, C, H, W), w (OC, C, kh, kw), bias (OC) or null. The same as {@link #im2col}, a gemm, {@link #swapAxes} and
     * {@link #addChannelBias}, without the (C·kh·kw, B·OH·OW) temporary (how a backend computes it is its own).
     */
    void conv2d(ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y);

    /**
     * Gradients of {@link #conv2d} for dy (B, OC, OH, OW), each overwritten and skipped when null: dx (B, C, H, W) (the
     * adjoint, as {@link #col2im} of wᵀ·dy), dw (OC, C, kh, kw) = Σ_b dy_b · cols_bᵀ, dbias (OC) = Σ_{b, oy, ox} dy.
     */
    void conv2dBackward(ConvGeom g, int outChannels, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw, Buffer dbias);

    /** y (b, a, inner)[j, i, k] = x (a, b, inner)[i, j, k]: swaps the two outer axes (CNHW ↔ NCHW). y may not alias x. */
    void swapAxes(Buffer x, Buffer y, int a, int b, int inner);

    /** y[o, c, i] = x[o, c, i] + bias[c] for x, y (outer, channels, inner), bias (channels); y may alias x. */
    void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner);

    /** y[c] = beta·y[c] + Σ_{o, i} x[o, c, i] for x (outer, channels, inner) (the reduction of addChannelBias); beta = 0 ignores y. */
    void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta);

    /**
     * Max pooling of x (B, C, H, W) over g's windows into y (B, C, OH, OW). argmax (B, C, OH, OW) receives the winner's
     * position iy·W + ix in its plane, as an (exact) float: the first maximum in (ky, kx) order under {@code >},
     * padding never taking part (so a NaN in the first place of a window wins, a later one does not).
     */
    void maxPool(ConvGeom g, Buffer x, Buffer y, Buffer argmax);

    /** dx (B, C, H, W), overwritten: each position receives the sum, in (oy, ox) order, of dy over the outputs whose argmax it is. */
    void maxPoolBackward(ConvGeom g, Buffer dy, Buffer argmax, Buffer dx);

    /** Average pooling of x (B, C, H, W) into y (B, C, OH, OW): the window's sum / (kh·kw), padding counted as zeros. */
    void avgPool(ConvGeom g, Buffer x, Buffer y);

    /** dx (B, C, H, W), overwritten: Σ over the windows containing the position of dy / (kh·kw). */
    void avgPoolBackward(ConvGeom g, Buffer dy, Buffer dx);

    /**
     * Batch norm per channel of x (outer, channels, inner) (NCHW: outer = B, inner = H·W), statistics over (outer, inner):
     * y = (x − μ_c)·rstd_c·gamma[c] + beta[c]. Training: μ and the biased variance σ² of the batch, rstd = 1/sqrt(σ² + eps);
     * then runMean = (1 − momentum)·runMean + momentum·μ and runVar = (1 − momentum)·runVar + momentum·σ²·n/(n − 1)
     * (n = outer·inner; the unbiased variance, as PyTorch; n = 1 uses σ²). Eval: μ = runMean, rstd = 1/sqrt(runVar + eps),
     * running statistics untouched. Either way mean, rstd (channels) receive the μ and rstd used (backward's input).
     */
    void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean, Buffer rstd,
                   int outer, int channels, int inner, float momentum, float eps, boolean training);

    /**
     * Gradients of training-mode {@link #batchNorm} (batch statistics), with x̂ = (x − mean)·rstd:
     * dx = gamma·rstd·(dy − avg(dy) − x̂·avg(dy·x̂)) (averages over the channel's outer·inner entries), overwritten;
     * dgamma += Σ dy·x̂ and dbeta += Σ dy (accumulated).
     */
    void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                           Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner);

    /** y (outer, ca + cb, inner) = [a (outer, ca, inner), b (outer, cb, inner)] along the channel axis (DenseNet). */
    void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner);

    /** The inverse of {@link #concatChannels}: a = y[:, :ca, :], b = y[:, ca:, :], overwritten; either may be null (not wanted). */
    void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner);

    // ---- modulated activations, LSTM cell, embedding (modulated networks, part B) -------------

    /**
     * Modulated activation (DESIGN.md § Modulated activations; kernels/modact.cuh):
     * out[o, c, i] = act(σ_m(u[o, i]) · v[o, c, i]) with v, out (outer, channels, inner) and u (outer, inner): one
     * modulation per (o, i) multiplies the pre-activations of every channel. Dense layer-wide: (B, N, 1); conv per
     * position (NCHW): (B, C, H·W); per node: (rows, 1, nodes). act and modAct (σ_m) are each one of identity, relu,
     * sigmoid, tanh, tanhshrink (others are refused). out may not alias v or u.
     */
    void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out, int outer, int channels, int inner);

    /**
     * Gradients of {@link #modActForward} in one pass (recomputing the forward; nothing saved), with s = σ_m(u[o, i]) and
     * g = dout[o, c, i]·act'(s·v[o, c, i]): dv[o, c, i] = g·s and du[o, i] = σ_m'(u[o, i])·Σ_c g·v[o, c, i], both
     * overwritten; either may be null (not wanted). dout (outer, channels, inner).
     */
    void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                        int outer, int channels, int inner);

    /**
     * The pointwise part of one LSTM step, fused (DESIGN.md § Modulated activations; {@link LstmCell}; kernels/lstm.cuh).
     * gates (B, G·H), G = cell.gates(): the step's preactivations x_t·W_ihᵀ + h_{t−1}·W_hhᵀ + b as G blocks of H
     * columns in the order i, f, g, o[, x]. With i, f, o the sigmoids of theirs: VANILLA c̃ = tanh(g); MODULATED
     * c̃ = tanh(σ_m(x)·g), σ_m = modAct (ignored, may be null, for the other cells); CONTROL3 c̃ = σ(x)·tanh(g); then
     * c = f·cPrev + i·c̃ and h = o·tanh(c). cPrev, hPrev, c, h (B, H). mask (B) or null (every row valid): a row with
     * mask[b] == 0 is padding at this step (variable-length sequences) and keeps its state, c = cPrev and h = hPrev.
     * Outputs may not alias inputs.
     */
    void lstmCellForward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev, Buffer mask,
                         Buffer c, Buffer h, int batch, int hidden);

    /**
     * Backward of {@link #lstmCellForward}, recomputing the step from gates and cPrev. dc, dh (B, H): the gradients of
     * the step's c and h (each may be null = zero). Overwritten: dGates (B, G·H), the gradient of the preactivations
     * (0 on masked rows); dcPrev (B, H); dhPrev (B, H), the part of h_{t−1}'s gradient that does not pass through the
     * recurrent gemm: dh on masked rows, 0 on valid rows (the caller adds dGates·W_hh).
     */
    void lstmCellBackward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask, Buffer dc, Buffer dh,
                          Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden);

    /**
     * Embedding lookup: out[i, :] = table[ids[i], :] for i in [0, n); table (vocab, dim), out (n, dim); ids from the
     * host (like softmaxCrossEntropy's labels), each in [0, vocab) (checked before anything is written).
     */
    void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim);

    /**
     * Scatter-add gradient of {@link #embeddingForward}: dTable[ids[i], :] += dOut[i, :], accumulated; repeated ids are
     * summed in position order (deterministic on every backend; float64 on the reference). dOut (n, dim).
     */
    void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim);
}
