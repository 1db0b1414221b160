package org.hhnn.autograd;

import org.hhnn.backend.ConvGeom;
import org.hhnn.tensor.Tensor;

/** Average pooling of x (B, C, H, W) with a kh×kw window, stride, padding pad (counted as zeros): y (B, C, OH, OW). */
final class AvgPoolFn implements Function {
    private final Tensor x;
    private final ConvGeom g;

    private AvgPoolFn(Tensor x, ConvGeom g) { this.x = x; this.g = g; }

    static Tensor apply(Tensor x, int kernelH, int kernelW, int stride, int pad) {
        ConvGeom g = PoolGeom.of("avg pool", x, kernelH, kernelW, stride, pad);
        Tensor y = Tensor.empty(x.backend(), g.batch(), g.channels(), g.outH(), g.outW());   // overwritten
        x.backend().avgPool(g, x.buffer(), y.buffer());
        return Tape.record(new AvgPoolFn(x, g), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.emptyLike();   // overwritten
        x.backend().avgPoolBackward(g, dy.buffer(), dx.buffer());
        return new Tensor[] {dx};
    }
}
