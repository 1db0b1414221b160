package org.hhnn.autograd;

import org.hhnn.backend.BinaryOp;
import org.hhnn.tensor.Tensor;

/** Inverted dropout with a counter-based mask (same mask on every backend for the same seed). */
final class DropoutFn implements Function {
    private final Tensor mask;

    private DropoutFn(Tensor mask) { this.mask = mask; }

    static Tensor apply(Tensor x, float p, long seed) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        Tensor mask = x.emptyLike(), y = x.emptyLike();
        x.backend().dropout(x.buffer(), mask.buffer(), y.buffer(), p, seed, x.size());
        return Tape.record(new DropoutFn(mask), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = dy.emptyLike();
        dy.backend().binary(BinaryOp.MUL, dy.buffer(), mask.buffer(), dx.buffer(), dy.size());
        return new Tensor[] {dx};
    }
}
