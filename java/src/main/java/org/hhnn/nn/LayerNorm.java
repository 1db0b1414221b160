package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** Layer normalisation over the last axis with learnable gamma (ones) and beta (zeros). */
public final class LayerNorm extends Module {
    public final float eps;
    private final Tensor gamma, beta;

    public LayerNorm(Backend backend, int features, float eps) {
        this.eps = eps;
        this.gamma = param("gamma", backend, Init.constant(features, 1f), features);
        this.beta = param("beta", backend, new float[features], features);
    }

    @Override public Tensor forward(Tensor x) { return Ops.layerNorm(x, gamma, beta, eps); }
}
