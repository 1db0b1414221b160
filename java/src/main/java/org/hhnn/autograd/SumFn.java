package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/**
 * Reductions: over all elements to a scalar (mean optional), and over axis 0 or 1 of a matrix.
 * Backward broadcasts the gradient back (a gemm with a ones vector would do it too; an explicit
 * loop of copies keeps it one primitive per element).
 */
final class SumFn implements Function {
    private final Tensor x;
    private final int axis; // -1 = all
    private final float scale;

    private SumFn(Tensor x, int axis, float scale) { this.x = x; this.axis = axis; this.scale = scale; }

    static Tensor all(Tensor x, boolean mean) {
        float scale = mean ? 1f / x.size() : 1f;
        Tensor y = Tensor.zeros(x.backend(), 1);
        // the ones-vector trick: sum = sumCols over a (1, n) view
        x.backend().sumCols(x.buffer(), y.buffer(), 1, x.isize(), 0f);
        if (mean) x.backend().axpby(scale, y.buffer(), 0f, y.buffer(), 1);
        return Tape.record(new SumFn(x, -1, scale), y, x);
    }

    static Tensor axis(Tensor x, int axis, boolean mean) {
        if (x.rank() != 2 || (axis != 0 && axis != 1))
            throw new IllegalArgumentException("sum over axis " + axis + " needs a matrix, got " + x);
        int rows = x.dim(0), cols = x.dim(1);
        float scale = mean ? 1f / (axis == 0 ? rows : cols) : 1f;
        Tensor y = Tensor.zeros(x.backend(), axis == 0 ? cols : rows);
        if (axis == 0) x.backend().sumRows(x.buffer(), y.buffer(), rows, cols, 0f);
        else x.backend().sumCols(x.buffer(), y.buffer(), rows, cols, 0f);
        if (mean) x.backend().axpby(scale, y.buffer(), 0f, y.buffer(), y.size());
        return Tape.record(new SumFn(x, axis, scale), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) {
        var be = x.backend();
        Tensor dx = x.zerosLike();
        if (axis == -1) {
            float[] g = dy.toArray();
            be.fill(dx.buffer(), g[0] * scale, x.size());
        } else {
            int rows = x.dim(0), cols = x.dim(1);
            // dx = ones ⊗ dy (axis 0) or dy ⊗ ones (axis 1), as a rank-1 gemm
            Tensor ones = Tensor.zeros(be, axis == 0 ? rows : cols);
            be.fill(ones.buffer(), 1f, ones.size());
            if (axis == 0) be.gemm(false, false, rows, cols, 1, scale, ones.buffer(), dy.buffer(), 0f, dx.buffer());
            else be.gemm(false, false, rows, cols, 1, scale, dy.buffer(), ones.buffer(), 0f, dx.buffer());
        }
        return new Tensor[] {dx};
    }
}
