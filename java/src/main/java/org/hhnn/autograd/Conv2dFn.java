package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.ConvGeom;
import org.hhnn.tensor.Tensor;

/**
 * 2-d convolution (cross-correlation, as PyTorch) of x (B, C, H, W) with w (OC, C, kh, kw) and bias b (OC) or null,
 * stride and zero padding pad: y (B, OC, OH, OW), through the backend's fused {@link Backend#conv2d} (no batch-wide
 * im2col matrix is kept: the backward recomputes what it needs from x).
 */
final class Conv2dFn implements Function {
    private final Tensor x, w, b;
    private final ConvGeom g;

    private Conv2dFn(Tensor x, Tensor w, Tensor b, ConvGeom g) {
        this.x = x; this.w = w; this.b = b; this.g = g;
    }

    static Tensor apply(Tensor x, Tensor w, Tensor b, int stride, int pad) {
        if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("conv2d: input " + x + " does not match weight " + w
                    + " (expected (B, C, H, W) and (OC, C, kh, kw))");
        int oc = w.dim(0);
        if (b != null) b.expectShape("conv2d bias", oc);
        ConvGeom g = new ConvGeom(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), stride, pad);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, g.batch(), oc, g.outH(), g.outW());
        be.conv2d(g, oc, x.buffer(), w.buffer(), b == null ? null : b.buffer(), y.buffer());
        return Tape.record(new Conv2dFn(x, w, b, g), y, x, w, b);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.requiresGrad() ? x.emptyLike() : null, dw = w.requiresGrad() ? w.emptyLike() : null;
        Tensor db = b != null && b.requiresGrad() ? b.emptyLike() : null;
        x.backend().conv2dBackward(g, w.dim(0), x.buffer(), w.buffer(), dy.buffer(), dx == null ? null : dx.buffer(),
                dw == null ? null : dw.buffer(), db == null ? null : db.buffer());
        return new Tensor[] {dx, dw, db};
    }
}
