package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.ConvGeom;
import org.hhnn.tensor.Tensor;

/**
 * 2-d convolution (cross-correlation, as PyTorch) of x (B, C, H, W) with w (OC, C, kh, kw) and bias b (OC) or null,
 * stride and zero padding pad: y (B, OC, OH, OW). As im2col + one gemm for the whole batch + a layout swap + the
 * channel bias: cols (C·kh·kw, B·OH·OW), W·cols = (OC, B, OH·OW) → (B, OC, OH·OW). Saves cols for dW.
 */
final class Conv2dFn implements Function {
    private final Tensor x, w, b, cols;
    private final ConvGeom g;

    private Conv2dFn(Tensor x, Tensor w, Tensor b, Tensor cols, ConvGeom g) {
        this.x = x; this.w = w; this.b = b; this.cols = cols; this.g = g;
    }

    static Tensor apply(Tensor x, Tensor w, Tensor b, int stride, int pad) {
        if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("conv2d: input " + x + " does not match weight " + w
                    + " (expected (B, C, H, W) and (OC, C, kh, kw))");
        int oc = w.dim(0);
        if (b != null) b.expectShape("conv2d bias", oc);
        ConvGeom g = new ConvGeom(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), stride, pad);
        Backend be = x.backend();
        int ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        Tensor cols = Tensor.zeros(be, ck, n);
        be.im2col(g, x.buffer(), cols.buffer());
        Tensor yc = Tensor.zeros(be, oc, n);   // (OC, B, OH·OW)
        be.gemm(false, false, oc, n, ck, 1f, w.buffer(), cols.buffer(), 0f, yc.buffer());
        Tensor y = Tensor.zeros(be, g.batch(), oc, g.outH(), g.outW());
        be.swapAxes(yc.buffer(), y.buffer(), oc, g.batch(), hw);
        yc.free();   // early: the largest temporary after cols (its scope's second free is a no-op)
        if (b != null) be.addChannelBias(y.buffer(), b.buffer(), y.buffer(), g.batch(), oc, hw);
        if (!Tape.needsGrad(x, w, b)) {
            cols.free();
            return y;
        }
        return Tape.record(new Conv2dFn(x, w, b, cols, g), y, x, w, b);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Backend be = x.backend();
        int oc = w.dim(0), ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        Tensor dyc = Tensor.zeros(be, oc, n);   // dy as (OC, B, OH·OW)
        be.swapAxes(dy.buffer(), dyc.buffer(), g.batch(), oc, hw);
        Tensor dx = null, dw = null, db = null;
        if (w.requiresGrad()) {   // dW (OC, C·kh·kw) = dyc · colsᵀ
            dw = w.zerosLike();
            be.gemm(false, true, oc, ck, n, 1f, dyc.buffer(), cols.buffer(), 0f, dw.buffer());
        }
        if (b != null && b.requiresGrad()) {
            db = b.zerosLike();
            be.sumChannels(dy.buffer(), db.buffer(), g.batch(), oc, hw, 0f);
        }
        if (x.requiresGrad()) {   // dcols (C·kh·kw, B·OH·OW) = Wᵀ · dyc, folded back by col2im
            Tensor dcols = Tensor.zeros(be, ck, n);
            be.gemm(true, false, ck, n, oc, 1f, w.buffer(), dyc.buffer(), 0f, dcols.buffer());
            dx = x.zerosLike();
            be.col2im(g, dcols.buffer(), dx.buffer());
            dcols.free();
        }
        dyc.free();
        return new Tensor[] {dx, dw, db};
    }
}
