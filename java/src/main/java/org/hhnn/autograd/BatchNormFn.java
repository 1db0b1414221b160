package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Batch norm over axis 1 of x (B, C, ...) with affine gamma, beta (C): training mode normalises with the batch's
 * statistics and updates the running ones (runMean, runVar: persistent, not differentiated); eval mode uses the running
 * statistics (its backward is refused: evaluation runs without gradients).
 */
final class BatchNormFn implements Function {
    private final Tensor x, gamma, beta, mean, rstd;
    private final boolean training;

    private BatchNormFn(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd, boolean training) {
        this.x = x; this.gamma = gamma; this.beta = beta; this.mean = mean; this.rstd = rstd; this.training = training;
    }

    static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar, boolean training,
                        float momentum, float eps) {
        if (x.rank() < 2) throw new IllegalArgumentException("batch norm: expected (B, C, ...), got " + x);
        int c = x.dim(1), outer = x.dim(0), inner = Math.toIntExact(x.size() / ((long) outer * c));
        for (Tensor t : new Tensor[] {gamma, beta, runMean, runVar}) t.expectShape("batch norm per-channel tensor", c);
        Backend be = x.backend();
        Tensor y = x.zerosLike(), mean = Tensor.zeros(be, c), rstd = Tensor.zeros(be, c);
        be.batchNorm(x.buffer(), gamma.buffer(), beta.buffer(), runMean.buffer(), runVar.buffer(), y.buffer(),
                mean.buffer(), rstd.buffer(), outer, c, inner, momentum, eps, training);
        return Tape.record(new BatchNormFn(x, gamma, beta, mean, rstd, training), y, x, gamma, beta);
    }

    @Override public Tensor[] backward(Tensor dy) {
        Backend be = x.backend();
        int c = x.dim(1), outer = x.dim(0), inner = Math.toIntExact(x.size() / ((long) outer * c));
        Tensor dx = x.zerosLike(), dg = gamma.zerosLike(), db = beta.zerosLike();
        if (training) {
            be.batchNormBackward(x.buffer(), gamma.buffer(), mean.buffer(), rstd.buffer(), dy.buffer(),
                    dx.buffer(), dg.buffer(), db.buffer(), outer, c, inner);
        } else {
            // The contract's backward is that of batch statistics; frozen statistics (y affine in x) would need a
            // per-channel scale primitive that nothing here uses: eval runs under GradMode.noGrad().
            throw new UnsupportedOperationException("batch norm backward in eval mode (frozen running statistics) is not "
                    + "supported: put the module in training mode, or evaluate without gradients");
        }
        return new Tensor[] {x.requiresGrad() ? dx : null, gamma.requiresGrad() ? dg : null, beta.requiresGrad() ? db : null};
    }
}
