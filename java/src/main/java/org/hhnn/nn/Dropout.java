package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.tensor.Tensor;

/** Inverted dropout in training mode, identity in eval mode. */
public final class Dropout extends Module {
    public final float p;
    private final SeedStream seeds;

    public Dropout(float p, SeedStream seeds) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.seeds = seeds;
    }

    @Override public Tensor forward(Tensor x) {
        return isTraining() && p > 0f ? Ops.dropout(x, p, seeds.next()) : x;
    }
}
