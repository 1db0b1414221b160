package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * The paper's LSTM classifiers (§3.2; NAMES char level, SST-2 word level): token ids → {@link Embedding} →
 * {@link LSTM} (one or more layers) → dropout on the last hidden state → {@link Linear} → class logits.
 *
 * <p>Input convention (shared with the NAMES / SST-2 loaders): x (B, maxLen) holds token ids as floats, right-padded
 * with id 0 (ids ≥ 1 are tokens). The ids are downloaded (a batch is small), laid out time-major, and cut to the
 * batch's longest sequence; every 0 is masked, so the LSTM's final state is each sequence's last valid hidden state
 * (an all-padding row gives h = 0).
 */
public final class LstmClassifier extends Module {
    public final Embedding embedding;
    public final LSTM lstm;
    private final Dropout dropout;
    private final Linear fc;

    public LstmClassifier(Backend backend, int vocab, int embed, int hidden, int layers, LstmCell cell, UnaryOp modAct, int classes,
                          float dropoutP, SeedStream seeds, SplittableRandom rng) {
        this.embedding = child("embedding", new Embedding(backend, vocab, embed, rng));
        this.lstm = child("lstm", new LSTM(backend, embed, hidden, layers, cell, modAct, rng));
        this.dropout = child("dropout", new Dropout(dropoutP, seeds));
        this.fc = child("fc", new Linear(backend, hidden, classes, rng));
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 2) throw new IllegalArgumentException("LSTM classifier input must be (batch, max_len) token ids, got " + x);
        int b = x.dim(0), len = x.dim(1);
        float[] v = x.toArray();
        int steps = 1;   // the batch's longest sequence (at least one step, so an all-padding batch still has a state)
        for (int r = 0; r < b; r++)
            for (int t = len - 1; t >= steps; t--)
                if (v[r * len + t] != 0f) { steps = t + 1; break; }
        int[] ids = new int[steps * b];
        float[] mask = new float[steps * b];
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < b; r++) {
                int id = Embedding.toId(v[r * len + t], r * len + t, embedding.vocab);
                ids[t * b + r] = id;
                mask[t * b + r] = id != 0 ? 1f : 0f;
            }
        // A vocabulary smaller than the batch's token count is projected through W_ih once, not token by token.
        Tensor h = embedding.vocab < ids.length ? lstm.runEmbedded(embedding.weight(), ids, mask, steps)
                : lstm.run(embedding.lookup(ids), mask, steps);   // (B, H)
        return fc.forward(dropout.forward(h));
    }
}
