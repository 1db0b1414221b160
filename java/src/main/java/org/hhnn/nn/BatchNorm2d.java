package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Batch norm over the channels (axis 1) of x (B, C, ...), PyTorch's defaults (momentum 0.1, eps 1e-5): learnable
 * weight (gamma = 1) and bias (beta = 0); running mean and variance (0 and 1 at start) updated in training mode and
 * used in eval mode. The running statistics are buffers, not parameters: they are not trained and not counted in
 * {@link #parameterCount()}, but checkpoints hold them (Module.namedState).
 */
public final class BatchNorm2d extends Module {
    public final int channels;
    public final float momentum, eps;
    private final Tensor weight, bias, runMean, runVar;

    public BatchNorm2d(Backend backend, int channels) {
        this.channels = channels;
        this.momentum = 0.1f;
        this.eps = 1e-5f;
        this.weight = param("weight", backend, Init.constant(channels, 1f), channels);
        this.bias = param("bias", backend, new float[channels], channels);
        this.runMean = buffer("running_mean", Tensor.persistentZeros(backend, channels));
        this.runVar = buffer("running_var", Tensor.persistentOf(backend, Init.constant(channels, 1f), channels));
    }

    public Tensor runningMean() { return runMean; }
    public Tensor runningVar() { return runVar; }

    @Override public Tensor forward(Tensor x) { return Ops.batchNorm(x, weight, bias, runMean, runVar, isTraining(), momentum, eps); }
}
