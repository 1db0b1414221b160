package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** y = x + b broadcast over rows: x (rows, cols), b (cols). */
final class AddBiasFn implements Function {
    private final Tensor x, b;

    private AddBiasFn(Tensor x, Tensor b) { this.x = x; this.b = b; }

    static Tensor apply(Tensor x, Tensor b) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        b.expectShape("bias", cols);
        Tensor y = x.zerosLike();
        x.backend().addBias(x.buffer(), b.buffer(), y.buffer(), rows, cols);
        return Tape.record(new AddBiasFn(x, b), y, x, b);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor db = null;
        if (b.requiresGrad()) {
            int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
            db = b.zerosLike();
            x.backend().sumRows(dy.buffer(), db.buffer(), rows, cols, 0f);
        }
        return new Tensor[] {x.requiresGrad() ? dy : null, db};
    }
}
