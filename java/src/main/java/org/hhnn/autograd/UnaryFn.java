package org.hhnn.autograd;

import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/** y = f(x) elementwise for f in {@link UnaryOp}. */
final class UnaryFn implements Function {
    private final UnaryOp op;
    private final Tensor x, y;

    private UnaryFn(UnaryOp op, Tensor x, Tensor y) { this.op = op; this.x = x; this.y = y; }

    static Tensor apply(UnaryOp op, Tensor x) {
        Tensor y = x.emptyLike();
        x.backend().unary(op, x.buffer(), y.buffer(), x.size());
        return Tape.record(new UnaryFn(op, x, y), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.emptyLike();
        x.backend().unaryBackward(op, x.buffer(), y.buffer(), dy.buffer(), dx.buffer(), x.size());
        return new Tensor[] {dx};
    }
}
