package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/**
 * x (B, Ca + Cb, ...) → {x[:, :Ca], x[:, Ca:]} along axis 1 (a conv layer's modulator filter split from its channels).
 * Backward concatenates the two gradients (zeros for an output nothing depended on).
 */
final class SplitChannelsFn implements MultiFunction {
    private final Tensor x;
    private final int ca;

    private SplitChannelsFn(Tensor x, int ca) { this.x = x; this.ca = ca; }

    static Tensor[] apply(Tensor x, int ca) {
        if (x.rank() < 2 || ca < 0 || ca > x.dim(1))
            throw new IllegalArgumentException("split channels: cannot split " + x + " after " + ca + " channels");
        int outer = x.dim(0), cb = x.dim(1) - ca, inner = Math.toIntExact(x.size() / ((long) outer * x.dim(1)));
        int[] sa = x.shape(), sb = x.shape();
        sa[1] = ca;
        sb[1] = cb;
        Tensor a = Tensor.empty(x.backend(), sa), b = Tensor.empty(x.backend(), sb);   // overwritten
        x.backend().splitChannels(x.buffer(), a.buffer(), b.buffer(), outer, ca, cb, inner);
        return Tape.recordMulti(new SplitChannelsFn(x, ca), new Tensor[] {a, b}, x);
    }

    @Override public Tensor[] backward(Tensor[] g) {
        int outer = x.dim(0), cb = x.dim(1) - ca, inner = Math.toIntExact(x.size() / ((long) outer * x.dim(1)));
        int[] sa = x.shape(), sb = x.shape();
        sa[1] = ca;
        sb[1] = cb;
        Tensor ga = g[0] != null ? g[0] : Tensor.zeros(x.backend(), sa), gb = g[1] != null ? g[1] : Tensor.zeros(x.backend(), sb);
        Tensor dx = x.emptyLike();   // overwritten by the concat
        x.backend().concatChannels(ga.buffer(), gb.buffer(), dx.buffer(), outer, ca, cb, inner);
        return new Tensor[] {dx};
    }
}
