package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** C = A · B for A (m, k), B (k, n). */
final class MatMulFn implements Function {
    private final Tensor a, b;

    private MatMulFn(Tensor a, Tensor b) { this.a = a; this.b = b; }

    static Tensor apply(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0))
            throw new IllegalArgumentException("matmul: shapes " + a + " and " + b + " do not chain (m,k)·(k,n)");
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor c = Tensor.empty(a.backend(), m, n);
        a.backend().gemm(false, false, m, n, k, 1f, a.buffer(), b.buffer(), 0f, c.buffer());
        return Tape.record(new MatMulFn(a, b), c, a, b);
    }

    @Override public Tensor[] backward(Tensor dc) {
        Backend be = a.backend();
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor da = null, db = null;
        if (a.requiresGrad()) { // dA = dC · Bᵀ
            da = Tensor.empty(be, m, k);
            be.gemm(false, true, m, k, n, 1f, dc.buffer(), b.buffer(), 0f, da.buffer());
        }
        if (b.requiresGrad()) { // dB = Aᵀ · dC
            db = Tensor.empty(be, k, n);
            be.gemm(true, false, k, n, m, 1f, a.buffer(), dc.buffer(), 0f, db.buffer());
        }
        return new Tensor[] {da, db};
    }
}
