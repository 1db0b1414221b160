package org.hhnn.autograd;

import org.hhnn.backend.BinaryOp;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * The differentiable ops, one entry point each (like torch.nn.functional). Every op runs its
 * forward on the tensors' backend and records itself on the {@link Tape} when an input requires
 * a gradient.
 */
public final class Ops {
    private Ops() {}

    /** y = x Wᵀ + b; x (B, in), W (out, in), b (out) or null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) { return LinearFn.apply(x, w, b); }

    /** x + b with b (cols) broadcast over the rows of x (.., cols). */
    public static Tensor addBias(Tensor x, Tensor b) { return AddBiasFn.apply(x, b); }

    /** A (m, k) · B (k, n). */
    public static Tensor matmul(Tensor a, Tensor b) { return MatMulFn.apply(a, b); }

    public static Tensor unary(UnaryOp op, Tensor x) { return op == UnaryOp.IDENTITY ? x : UnaryFn.apply(op, x); }
    public static Tensor relu(Tensor x) { return UnaryFn.apply(UnaryOp.RELU, x); }
    public static Tensor sigmoid(Tensor x) { return UnaryFn.apply(UnaryOp.SIGMOID, x); }
    public static Tensor tanh(Tensor x) { return UnaryFn.apply(UnaryOp.TANH, x); }
    public static Tensor exp(Tensor x) { return UnaryFn.apply(UnaryOp.EXP, x); }
    public static Tensor log(Tensor x) { return UnaryFn.apply(UnaryOp.LOG, x); }

    public static Tensor add(Tensor a, Tensor b) { return BinaryFn.apply(BinaryOp.ADD, a, b); }
    public static Tensor sub(Tensor a, Tensor b) { return BinaryFn.apply(BinaryOp.SUB, a, b); }
    public static Tensor mul(Tensor a, Tensor b) { return BinaryFn.apply(BinaryOp.MUL, a, b); }
    public static Tensor scale(Tensor x, float alpha) { return ScaleFn.apply(x, alpha); }

    /** Sum of all elements, a (1)-tensor. */
    public static Tensor sum(Tensor x) { return SumFn.all(x, false); }
    public static Tensor mean(Tensor x) { return SumFn.all(x, true); }
    /** Sum over axis 0 or 1 of a matrix. */
    public static Tensor sum(Tensor x, int axis) { return SumFn.axis(x, axis, false); }
    public static Tensor mean(Tensor x, int axis) { return SumFn.axis(x, axis, true); }

    /** Mean softmax cross-entropy of logits (B, C) against labels. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) { return CrossEntropyFn.apply(logits, labels); }

    /** Inverted dropout with probability p; the mask is a pure function of (seed, index). */
    public static Tensor dropout(Tensor x, float p, long seed) { return p == 0f ? x : DropoutFn.apply(x, p, seed); }

    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) { return LayerNormFn.apply(x, gamma, beta, eps); }

    /**
     * One HH window of spec.steps() steps (DESIGN.md § HH layer): returns {end state (B, M, 4),
     * readout basis sums (B, M, D+1), spike counts (B, M)}. cond (M, 3) may be null.
     */
    public static Tensor[] hhWindow(org.hhnn.backend.HhSpec spec, Tensor state, Tensor current, Tensor cond) {
        return HhWindowFn.apply(spec, state, current, cond);
    }

    /** Per-neuron Legendre activation: x (.., M), coefficients (M, D+1). */
    public static Tensor legendre(Tensor x, Tensor coeffs) { return LegendreFn.apply(x, coeffs); }

    /** Legendre feature expansion x (.., M) → (rows, M, D+1). */
    public static Tensor legendreBasis(Tensor x, int degree) { return LegendreBasisFn.apply(x, degree); }

    /** Per-neuron readout Σ_k basis[b, j, k] · A[j, k]: basis (B, M, K), A (M, K). */
    public static Tensor neuronReadout(Tensor basis, Tensor coeffs) { return NeuronReadoutFn.apply(basis, coeffs); }

    /** The same values with no gradient path (a view; nothing is recorded). */
    public static Tensor detach(Tensor x) { return x.reshape(x.shape()); }

    /** A view of x with a new shape (no copy); the gradient flows through unchanged. */
    public static Tensor reshape(Tensor x, int... shape) { return ReshapeFn.apply(x, shape); }

    // ---- modulated activations, LSTM, embedding (modulated networks, part B) ----

    /**
     * Modulated activation act(σ_m(u) · v) (DESIGN.md § Modulated activations): u (outer, ..inner) against v (outer,
     * channels, ..inner), e.g. u (B, 1) for a dense layer-wide modulator of v (B, N), u (B, 1, H, W) for a conv
     * modulator of v (B, C, H, W), u shaped like v per node.
     */
    public static Tensor modAct(org.hhnn.backend.UnaryOp act, org.hhnn.backend.UnaryOp modAct, Tensor v, Tensor u) {
        return ModActFn.apply(act, modAct, v, u);
    }

    /** One LSTM step's pointwise part: gates (B, G·H), cPrev, hPrev (B, H), mask (B) or null; returns {c, h}. */
    public static Tensor[] lstmCell(org.hhnn.backend.LstmCell cell, org.hhnn.backend.UnaryOp modAct, Tensor gates,
                                    Tensor cPrev, Tensor hPrev, Tensor mask) {
        return LstmCellFn.apply(cell, modAct, gates, cPrev, hPrev, mask);
    }

    /**
     * A whole LSTM recurrence from zero state: xGates (steps·B, G·H) time-major input projections (bias included),
     * W_hh (G·H, H), mask (steps·B host floats, 0 = padding) or null; returns h after the last step (B, H), which is each
     * right-padded sequence's last valid hidden state.
     */
    public static Tensor lstmSequence(org.hhnn.backend.LstmCell cell, org.hhnn.backend.UnaryOp modAct, Tensor xGates,
                                      Tensor wHh, float[] mask, int steps) {
        return LstmSequenceFn.apply(cell, modAct, xGates, wHh, mask, steps);
    }

    /**
     * An LSTM recurrence from a given start state, for stacked layers and truncated BPTT: xGates (steps·B, G·H),
     * W_hh (G·H, H), h0 and c0 (B, H) (constants: the previous window's detached state) or both null for zero;
     * returns {every step's h (steps·B, H), h_T, c_T}.
     */
    public static Tensor[] lstmLayer(org.hhnn.backend.LstmCell cell, org.hhnn.backend.UnaryOp modAct, Tensor xGates,
                                     Tensor wHh, Tensor h0, Tensor c0, float[] mask, int steps) {
        return LstmSequenceFn.applyFull(cell, modAct, xGates, wHh, h0, c0, mask, steps);
    }

    /** Rows start .. start+count−1 of x (rows, ..): a copy; the gradient lands in those rows. */
    public static Tensor narrowRows(Tensor x, int start, int count) { return NarrowRowsFn.apply(x, start, count); }

    /** Embedding lookup: table (vocab, dim), ids (n) in [0, vocab) → (n, dim). */
    public static Tensor embedding(Tensor table, int[] ids) { return EmbeddingFn.apply(table, ids); }

    // ---- convolution, pooling, batch norm, channel concat (modulated networks, part A) --------------------------

    /** 2-d convolution of x (B, C, H, W) with w (OC, C, kh, kw) + b (OC) or null, stride, zero padding: (B, OC, OH, OW). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int pad) { return Conv2dFn.apply(x, w, b, stride, pad); }

    /** Max pooling of x (B, C, H, W) over k×k windows. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int pad) { return MaxPoolFn.apply(x, kernel, stride, pad); }

    /** Average pooling of x (B, C, H, W) over kh×kw windows (padding counted as zeros); (H, W, 1, 0) pools globally. */
    public static Tensor avgPool2d(Tensor x, int kernelH, int kernelW, int stride, int pad) {
        return AvgPoolFn.apply(x, kernelH, kernelW, stride, pad);
    }

    /** Batch norm over axis 1 of x (B, C, ...); training updates runMean/runVar (C) in place (momentum as PyTorch). */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar, boolean training,
                                   float momentum, float eps) {
        return BatchNormFn.apply(x, gamma, beta, runMean, runVar, training, momentum, eps);
    }

    /** [a, b] along axis 1: a (B, Ca, ...), b (B, Cb, ...) → (B, Ca + Cb, ...). */
    public static Tensor concatChannels(Tensor a, Tensor b) { return ConcatChannelsFn.apply(a, b); }

    /** x (B, C, ...) → {x[:, :ca], x[:, ca:]}. */
    public static Tensor[] splitChannels(Tensor x, int ca) { return SplitChannelsFn.apply(x, ca); }
}
