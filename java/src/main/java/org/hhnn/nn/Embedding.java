package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * A learnable lookup table: token id → vector. weight (vocab, dim), initialised N(0, 1) (as PyTorch's nn.Embedding).
 * Ids come from the host ({@link #lookup}); {@link #forward} reads them from a tensor of ids stored as floats.
 */
public final class Embedding extends Module {
    public final int vocab, dim;
    private final Tensor weight;

    public Embedding(Backend backend, int vocab, int dim, SplittableRandom rng) {
        this(backend, vocab, dim, gaussian(rng, vocab, dim));
    }

    /** With the given initial table (vocab·dim values, row-major), e.g. the language models' uniform ±0.1. */
    public Embedding(Backend backend, int vocab, int dim, float[] init) {
        if (vocab < 1 || dim < 1) throw new IllegalArgumentException("embedding needs vocab >= 1 and dim >= 1, got " + vocab + " x " + dim);
        this.vocab = vocab;
        this.dim = dim;
        this.weight = param("weight", backend, init, vocab, dim);
    }

    private static float[] gaussian(SplittableRandom rng, int vocab, int dim) {
        float[] w = new float[Math.max(vocab, 0) * Math.max(dim, 0)];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        return w;
    }

    public Tensor weight() { return weight; }

    /** (ids.length, dim); every id in [0, vocab). */
    public Tensor lookup(int[] ids) { return Ops.embedding(weight, ids); }

    /** x (..) of integral ids stored as floats → (.., dim). The ids are downloaded to the host. */
    @Override public Tensor forward(Tensor x) {
        float[] v = x.toArray();
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) ids[i] = toId(v[i], i, vocab);
        int[] shape = java.util.Arrays.copyOf(x.shape(), x.rank() + 1);
        shape[x.rank()] = dim;
        return Ops.reshape(lookup(ids), shape);
    }

    /** v as an id in [0, vocab), or one sentence saying why it is not one. */
    static int toId(float v, int position, int vocab) {
        if (!(v >= 0 && v < vocab) || v != Math.rint(v))
            throw new IllegalArgumentException("token id " + v + " at position " + position + " is not an integer in [0, " + vocab
                    + "): the model's vocab setting is smaller than the data's vocabulary, or the input is not token ids");
        return (int) v;
    }
}
