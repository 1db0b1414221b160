package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** Rows start .. start+count−1 of x (rows, ..), copied; the backward puts the gradient into those rows of a zero dx. */
final class NarrowRowsFn implements Function {
    private final Tensor x;
    private final long offset;

    private NarrowRowsFn(Tensor x, long offset) { this.x = x; this.offset = offset; }

    static Tensor apply(Tensor x, int start, int count) {
        if (x.rank() < 1 || start < 0 || count < 1 || start + count > x.dim(0))
            throw new IllegalArgumentException("narrowRows: rows " + start + ".." + (start + count - 1) + " are not within " + x);
        int[] shape = x.shape();
        long row = x.size() / shape[0];
        shape[0] = count;
        Tensor y = Tensor.empty(x.backend(), shape);
        x.backend().copy(x.buffer(), start * row, y.buffer(), 0, y.size());
        return Tape.record(new NarrowRowsFn(x, start * row), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Tensor dx = x.zerosLike();
        x.backend().copy(dy.buffer(), 0, dx.buffer(), offset, dy.size());
        return new Tensor[] {dx};
    }
}
