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
}
