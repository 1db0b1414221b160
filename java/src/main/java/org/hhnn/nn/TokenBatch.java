package org.hhnn.nn;

import org.hhnn.tensor.Tensor;

/**
 * A batch of token-id sequences laid out time-major for the sequence models ({@link LstmClassifier},
 * {@link HhSequenceClassifier}). Input convention (shared with the NAMES / SST-2 loaders): x (B, maxLen) holds token ids
 * as floats, right-padded with id 0 (ids ≥ 1 are tokens). The ids are downloaded (a batch is small) and cut to the batch's
 * longest sequence (at least one step, so an all-padding batch still has a state); ids[t·B + r] is row r's token t and
 * mask[t·B + r] is 0 where that id is 0 (padding), 1 otherwise.
 */
record TokenBatch(int[] ids, float[] mask, int steps, int batch) {

    static TokenBatch of(Tensor x, int vocab, String model) {
        if (x.rank() != 2) throw new IllegalArgumentException(model + " input must be (batch, max_len) token ids, got " + x);
        int b = x.dim(0), len = x.dim(1);
        float[] v = x.toArray();
        int steps = 1;
        for (int r = 0; r < b; r++)
            for (int t = len - 1; t >= steps; t--)
                if (v[r * len + t] != 0f) { steps = t + 1; break; }
        int[] ids = new int[steps * b];
        float[] mask = new float[steps * b];
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < b; r++) {
                int id = Embedding.toId(v[r * len + t], r * len + t, vocab);
                ids[t * b + r] = id;
                mask[t * b + r] = id != 0 ? 1f : 0f;
            }
        return new TokenBatch(ids, mask, steps, b);
    }
}
