package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.backend.DropoutRng;
import org.hhnn.tensor.Tensor;

/** Inverted dropout in training mode (mask keyed by the global sample index), identity in eval mode. */
public final class Dropout extends Module {
    public final float p;
    private final SeedStream seeds;

    public Dropout(float p, SeedStream seeds) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.seeds = seeds;
    }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) return x;
        // Rows are samples: shift the stream to this process's first row of the global batch.
        long rowElements = x.rank() > 0 && x.dim(0) > 0 ? x.size() / x.dim(0) : 0;
        return Ops.dropout(x, p, DropoutRng.at(seeds.next(), seeds.sampleOffset() * rowElements));
    }
}
