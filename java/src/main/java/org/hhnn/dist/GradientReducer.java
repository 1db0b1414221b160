package org.hhnn.dist;

import java.util.List;
import org.hhnn.tensor.Tensor;

/**
 * Sums gradients over the ranks in one collective per step: every parameter's gradient (scaled by weight) and one
 * scalar (the weighted loss) are laid end to end in a flat buffer, summed in place, and put back. A parameter
 * without a gradient on this rank contributes zeros and gets one. Implementations: {@link HostReducer}
 * (MPI_Allreduce over host memory) and {@link NcclReducer} (NCCL all-reduce over device memory).
 */
interface GradientReducer extends AutoCloseable {
    /** Returns the sum over ranks of weight·scalar; every gradient becomes the sum over ranks of weight·gradient. */
    float reduce(List<Tensor> params, float weight, float scalar);

    /** Seconds spent in the collective itself, summed over the steps so far. */
    double collectiveSeconds();

    /** Floats reduced per step (gradients + 1), after the first step. */
    long floatsPerStep();

    @Override void close();

    /** The gradient of p, created (zeros, outliving every scope) when p has none yet. */
    static Tensor gradOf(Tensor p) {
        if (p.grad() == null) p.setGrad(Tensor.persistentZeros(p.backend(), p.shape()));
        return p.grad();
    }

    static long totalSize(List<Tensor> params) {
        long n = 0;
        for (Tensor p : params) n += p.size();
        return n;
    }
}
