package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** Feature expansion P_k(clamp(x, −1, 1)) for k = 0..D: x (rows, M) → (rows, M, D+1), the dense ("KAN") form's input. */
final class LegendreBasisFn implements Function {
    private final Tensor x;
    private final int degree;

    private LegendreBasisFn(Tensor x, int degree) { this.x = x; this.degree = degree; }

    static Tensor apply(Tensor x, int degree) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Tensor basis = Tensor.empty(x.backend(), rows, cols, degree + 1);
        x.backend().legendreBasis(x.buffer(), basis.buffer(), rows, cols, degree);
        return Tape.record(new LegendreBasisFn(x, degree), basis, x);
    }

    @Override public Tensor[] backward(Tensor dBasis) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Tensor dx = x.emptyLike();
        x.backend().legendreBasisBackward(x.buffer(), dBasis.buffer(), dx.buffer(), rows, cols, degree);
        return new Tensor[] {dx};
    }
}
