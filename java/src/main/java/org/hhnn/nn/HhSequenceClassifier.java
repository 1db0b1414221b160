package org.hhnn.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * The HHNN on token sequences (DESIGN.md § HH layer, Sequences; {@code --model hhnn} on NAMES or SST-2): token ids
 * ({@link TokenBatch}) → {@link Embedding} → per-token currents I_t = gain·σ(e_t Wᵀ + b) driving one {@link HHLayer} with
 * its state carried from token to token ({@link HHLayer#forwardSequence}; padding masked) → further HH layers, if
 * stacked, on that readout → {@link Linear} → class logits.
 */
public final class HhSequenceClassifier extends Module {
    public final Embedding embedding;
    public final HHLayer hh;
    private final Sequential rest;
    private final Linear fc;

    /** layers: the HH layers' configs; the first reads the embeddings (its inFeatures is set to embed), the others its output. */
    public HhSequenceClassifier(Backend backend, int vocab, int embed, List<HHConfig> layers, int classes, SplittableRandom rng) {
        this.embedding = child("embedding", new Embedding(backend, vocab, embed, rng));
        HHConfig first = layers.get(0);
        first.inFeatures = embed;
        first.validateSequence();
        this.hh = child("hh", new HHLayer(backend, first, rng));
        this.rest = child("rest", new Sequential());
        int prev = hh.outFeatures();
        for (HHConfig c : layers.subList(1, layers.size())) {
            c.inFeatures = prev;
            HHLayer l = new HHLayer(backend, c, rng);
            rest.add(l);
            prev = l.outFeatures();
        }
        this.fc = child("fc", new Linear(backend, prev, classes, rng));
    }

    @Override public Tensor forward(Tensor x) {
        TokenBatch tb = TokenBatch.of(x, embedding.vocab, "HHNN on tokens");
        int b = tb.batch();
        int[] ids = tb.ids();
        // Currents of every token from one gemm: of the vocabulary when it is smaller than the batch's token count (then
        // gathered by id), else of the batch's embeddings (gathered by position); the gather's backward sums per row.
        boolean byId = embedding.vocab < ids.length;
        Tensor table = hh.current(byId ? embedding.weight() : embedding.lookup(ids));
        List<Tensor> currents = new ArrayList<>(tb.steps());
        for (int t = 0; t < tb.steps(); t++) {
            int[] rows = new int[b];
            for (int r = 0; r < b; r++) rows[r] = byId ? ids[t * b + r] : t * b + r;
            currents.add(Ops.embedding(table, rows));
        }
        return fc.forward(rest.forward(hh.forwardSequence(currents, tb.mask())));
    }
}
