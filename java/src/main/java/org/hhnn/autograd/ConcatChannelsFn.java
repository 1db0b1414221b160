package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** y (B, Ca + Cb, ...) = [a (B, Ca, ...), b (B, Cb, ...)] along axis 1 (DenseNet's feature concatenation). */
final class ConcatChannelsFn implements Function {
    private final Tensor a, b;

    private ConcatChannelsFn(Tensor a, Tensor b) { this.a = a; this.b = b; }

    static Tensor apply(Tensor a, Tensor b) {
        int[] sa = a.shape(), sb = b.shape();
        boolean ok = sa.length >= 2 && sa.length == sb.length && sa[0] == sb[0];
        for (int i = 2; ok && i < sa.length; i++) ok = sa[i] == sb[i];
        if (!ok) throw new IllegalArgumentException("concat channels: " + a + " and " + b + " differ outside axis 1");
        int outer = sa[0], inner = Math.toIntExact(a.size() / ((long) outer * sa[1]));
        int[] sy = sa.clone();
        sy[1] = sa[1] + sb[1];
        Tensor y = Tensor.empty(a.backend(), sy);   // overwritten
        a.backend().concatChannels(a.buffer(), b.buffer(), y.buffer(), outer, sa[1], sb[1], inner);
        return Tape.record(new ConcatChannelsFn(a, b), y, a, b);
    }

    @Override public Tensor[] backward(Tensor dy) {
        int outer = a.dim(0), ca = a.dim(1), cb = b.dim(1), inner = Math.toIntExact(a.size() / ((long) outer * ca));
        Tensor da = a.requiresGrad() ? a.zerosLike() : null, db = b.requiresGrad() ? b.zerosLike() : null;
        a.backend().splitChannels(dy.buffer(), da == null ? null : da.buffer(), db == null ? null : db.buffer(), outer, ca, cb, inner);
        return new Tensor[] {da, db};
    }
}
