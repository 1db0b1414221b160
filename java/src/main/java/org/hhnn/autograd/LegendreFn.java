package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** Per-neuron Legendre activation y[r, j] = Σ_k A[j, k] P_k(clamp(x[r, j], −1, 1)); x (rows, M), A (M, D+1). */
final class LegendreFn implements Function {
    private final Tensor x, coeffs;

    private LegendreFn(Tensor x, Tensor coeffs) { this.x = x; this.coeffs = coeffs; }

    static Tensor apply(Tensor x, Tensor coeffs) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        if (coeffs.rank() != 2 || coeffs.dim(0) != cols)
            throw new IllegalArgumentException("legendre: coefficients " + coeffs + " must be (" + cols + ", degree+1) for input " + x);
        Tensor y = x.emptyLike();
        x.backend().legendreForward(x.buffer(), coeffs.buffer(), y.buffer(), rows, cols, coeffs.dim(1) - 1);
        return Tape.record(new LegendreFn(x, coeffs), y, x, coeffs);
    }

    @Override public Tensor[] backward(Tensor dy) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Tensor dx = x.emptyLike(), dA = coeffs.requiresGrad() ? coeffs.zerosLike() : null;
        x.backend().legendreBackward(x.buffer(), coeffs.buffer(), dy.buffer(), dx.buffer(), dA == null ? null : dA.buffer(), rows, cols, coeffs.dim(1) - 1);
        return new Tensor[] {x.requiresGrad() ? dx : null, dA};
    }
}
