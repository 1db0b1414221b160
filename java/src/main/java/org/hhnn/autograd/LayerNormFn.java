package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** Layer norm over the last axis of x (rows, cols) with affine gamma, beta (cols). */
final class LayerNormFn implements Function {
    private final Tensor x, gamma, beta, mean, rstd;

    private LayerNormFn(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd) {
        this.x = x; this.gamma = gamma; this.beta = beta; this.mean = mean; this.rstd = rstd;
    }

    static Tensor apply(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        gamma.expectShape("layer norm gamma", cols);
        beta.expectShape("layer norm beta", cols);
        Backend be = x.backend();
        Tensor y = x.zerosLike(), mean = Tensor.zeros(be, rows), rstd = Tensor.zeros(be, rows);
        be.layerNorm(x.buffer(), gamma.buffer(), beta.buffer(), y.buffer(), mean.buffer(), rstd.buffer(), rows, cols, eps);
        return Tape.record(new LayerNormFn(x, gamma, beta, mean, rstd), y, x, gamma, beta);
    }

    @Override public Tensor[] backward(Tensor dy) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Backend be = x.backend();
        Tensor dx = x.zerosLike(), dg = gamma.zerosLike(), db = beta.zerosLike();
        be.layerNormBackward(x.buffer(), gamma.buffer(), mean.buffer(), rstd.buffer(), dy.buffer(),
                dx.buffer(), dg.buffer(), db.buffer(), rows, cols);
        return new Tensor[] {x.requiresGrad() ? dx : null, gamma.requiresGrad() ? dg : null, beta.requiresGrad() ? db : null};
    }
}
