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
 * <p>Input: token ids as {@link TokenBatch} reads them; every 0 is masked, so the LSTM's final state is each sequence's
 * last valid hidden state (an all-padding row gives h = 0).
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
        TokenBatch tb = TokenBatch.of(x, embedding.vocab, "LSTM classifier");
        int[] ids = tb.ids();
        float[] mask = tb.mask();
        int steps = tb.steps();
        // A vocabulary smaller than the batch's token count is projected through W_ih once, not token by token.
        Tensor h = embedding.vocab < ids.length ? lstm.runEmbedded(embedding.weight(), ids, mask, steps)
                : lstm.run(embedding.lookup(ids), mask, steps);   // (B, H)
        return fc.forward(dropout.forward(h));
    }

    /**
     * The LSTM's input gate i and, for the modulated cell, its modulation s (each (B, H)) at each input's last token, for
     * token ids x (B, maxLen) laid out as {@link #forward} lays them out, so the LSTM sees exactly what the classifier
     * feeds it ({@link LSTM#gatesAtLastStep}; the modulation paper's Table 5). An inspection: it runs without the tape.
     */
    public LSTM.LastStepGates gatesAtLastStep(Tensor x) {
        TokenBatch tb = TokenBatch.of(x, embedding.vocab, "LSTM classifier");
        return lstm.gatesAtLastStep(embedding.lookup(tb.ids()), tb.mask(), tb.steps());
    }
}
