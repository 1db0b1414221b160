package org.hhnn.autograd;

import org.hhnn.backend.ConvGeom;
import org.hhnn.tensor.Tensor;

/** Max pooling of x (B, C, H, W) with a k×k window, stride, padding pad: y (B, C, OH, OW); saves the argmax positions. */
final class MaxPoolFn implements Function {
    private final Tensor x, argmax;
    private final ConvGeom g;

    private MaxPoolFn(Tensor x, Tensor argmax, ConvGeom g) { this.x = x; this.argmax = argmax; this.g = g; }

    static Tensor apply(Tensor x, int kernel, int stride, int pad) {
        ConvGeom g = PoolGeom.of("max pool", x, kernel, stride, pad);
        Tensor y = Tensor.empty(x.backend(), g.batch(), g.channels(), g.outH(), g.outW()), argmax = y.emptyLike();   // overwritten
        x.backend().maxPool(g, x.buffer(), y.buffer(), argmax.buffer());
        return Tape.record(new MaxPoolFn(x, argmax, g), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.emptyLike();   // overwritten
        x.backend().maxPoolBackward(g, dy.buffer(), argmax.buffer(), dx.buffer());
        return new Tensor[] {dx};
    }
}
