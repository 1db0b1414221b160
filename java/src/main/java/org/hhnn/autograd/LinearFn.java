package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** y = x Wᵀ + b: x (B, in), W (out, in) as in the paper's M×N weight matrix, b (out) or null. */
final class LinearFn implements Function {
    private final Tensor x, w, b;

    private LinearFn(Tensor x, Tensor w, Tensor b) { this.x = x; this.w = w; this.b = b; }

    static Tensor apply(Tensor x, Tensor w, Tensor b) {
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("linear: input " + x + " does not match weight " + w + " (expected (B, in) and (out, in))");
        int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
        if (b != null) b.expectShape("linear bias", out);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, rows, out);
        be.gemm(false, true, rows, out, in, 1f, x.buffer(), w.buffer(), 0f, y.buffer());
        if (b != null) be.addBias(y.buffer(), b.buffer(), y.buffer(), rows, out);
        return Tape.record(new LinearFn(x, w, b), y, x, w, b);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Backend be = x.backend();
        int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
        Tensor dx = null, dw = null, db = null;
        if (x.requiresGrad()) { // dx (B, in) = dy (B, out) · W (out, in)
            dx = Tensor.empty(be, rows, in);
            be.gemm(false, false, rows, in, out, 1f, dy.buffer(), w.buffer(), 0f, dx.buffer());
        }
        if (w.requiresGrad()) { // dW (out, in) = dyᵀ · x
            dw = Tensor.empty(be, out, in);
            be.gemm(true, false, out, in, rows, 1f, dy.buffer(), x.buffer(), 0f, dw.buffer());
        }
        if (b != null && b.requiresGrad()) {
            db = Tensor.empty(be, out);
            be.sumRows(dy.buffer(), db.buffer(), rows, out, 0f);
        }
        return new Tensor[] {dx, dw, db};
    }
}
