package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** y = alpha · x. */
final class ScaleFn implements Function {
    private final float alpha;
    private final Tensor x;

    private ScaleFn(float alpha, Tensor x) { this.alpha = alpha; this.x = x; }

    static Tensor apply(Tensor x, float alpha) {
        Tensor y = x.emptyLike();
        x.backend().axpby(alpha, x.buffer(), 0f, y.buffer(), x.size());
        return Tape.record(new ScaleFn(alpha, x), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.emptyLike();
        x.backend().axpby(alpha, dy.buffer(), 0f, dx.buffer(), x.size());
        return new Tensor[] {dx};
    }
}
