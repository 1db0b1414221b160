package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Fixed input standardisation y = (x − mean) / std with scalar statistics of the training set.
 * Not trainable: the statistics live in the model config (so eval and resume rebuild it exactly).
 */
public final class Standardize extends Module {
    public final float mean, std;
    private final Tensor shift;

    public Standardize(Backend backend, int features, float mean, float std) {
        if (!(std > 0) || !Float.isFinite(mean)) throw new IllegalArgumentException("standardize needs finite mean and std > 0, got " + mean + ", " + std);
        this.mean = mean;
        this.std = std;
        this.shift = Tensor.persistentOf(backend, Init.constant(features, -mean / std), features);
    }

    @Override public Tensor forward(Tensor x) { return Ops.addBias(Ops.scale(x, 1f / std), shift); }

    @Override public void free() {
        super.free();
        shift.free();
    }
}
