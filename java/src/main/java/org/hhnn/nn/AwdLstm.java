package org.hhnn.nn;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * The AWD-LSTM word-level language model (Merity et al. 2017; DESIGN.md § Language modelling), vanilla or with the
 * modulation gate in every layer: embedding (vocab, E) → embedding dropout (whole words) → locked dropout →
 * LSTM layers (each with DropConnect on its hidden-to-hidden matrix, one mask per forward pass shared over time; locked
 * dropout between layers) → locked dropout → decoder, whose weight is the embedding matrix (tied; the last layer is E
 * wide) plus its own bias. Parameter names follow awd-lstm-lm's state_dict: encoder.weight, rnns.{l}.weight_ih ...,
 * decoder.bias (the tied decoder.weight is encoder.weight).
 *
 * <p>A window runs time-major from a carried start state ({@link State}); {@link #run} returns what the loss needs: the
 * logits, the last layer's output before and after its dropout (for AR/TAR) and the end state.
 */
public final class AwdLstm extends Module {
    public final int vocab, embed;
    public final int[] hidden;
    public final LstmCell cell;
    private final Embedding encoder;
    private final LSTM[] rnns;
    private final Tensor decoderBias;
    private final float dropout, dropoutH, dropoutI, dropoutE, weightDrop;
    private final SeedStream seeds;

    /** What one window produces: logits (T·B, vocab); the last layer's output raw and dropped (T·B, E); the end state. */
    public record Output(Tensor logits, Tensor rawLast, Tensor droppedLast, Tensor[] h, Tensor[] c) {}

    public AwdLstm(Backend backend, JsonObject c, SeedStream seeds, SplittableRandom rng) {
        String model = c.get("model").getAsString();
        this.vocab = c.get("vocab").getAsInt();
        this.embed = c.get("embedding").getAsInt();
        this.hidden = Models.intArray(c.get("hidden"));
        if (vocab < 2) throw new IllegalArgumentException("model '" + model + "' needs the vocabulary size: the data set's loader sets it, or pass --set vocab=N");
        if (hidden.length < 1) throw new IllegalArgumentException("model '" + model + "' needs at least one LSTM layer (--set hidden=H1,H2,...)");
        if (hidden[hidden.length - 1] != embed)
            throw new IllegalArgumentException("model '" + model + "': the last LSTM layer must be as wide as the embedding (" + embed
                    + ") for the decoder to share its matrix, got hidden " + java.util.Arrays.toString(hidden));
        this.cell = model.endsWith("-mod") ? LstmCell.MODULATED : LstmCell.VANILLA;
        UnaryOp mod = cell == LstmCell.MODULATED ? UnaryOp.parse(c.get("mod_activation").getAsString()) : null;
        this.dropout = rate(c, "dropout");
        this.dropoutH = rate(c, "dropouth");
        this.dropoutI = rate(c, "dropouti");
        this.dropoutE = rate(c, "dropoute");
        this.weightDrop = rate(c, "wdrop");
        this.seeds = seeds;
        // awd-lstm-lm's init: encoder uniform ±0.1, decoder bias 0, the LSTMs PyTorch's own (±1/√H).
        this.encoder = child("encoder", new Embedding(backend, vocab, embed, Init.uniform(rng, vocab * embed, 0.1)));
        this.rnns = new LSTM[hidden.length];
        Module rnnList = child("rnns", new Group());
        for (int l = 0; l < hidden.length; l++)
            rnns[l] = ((Group) rnnList).add(String.valueOf(l), new LSTM(backend, l == 0 ? embed : hidden[l - 1], hidden[l], cell, mod, rng));
        this.decoderBias = child("decoder", new Group()).paramOf("bias", backend, new float[vocab], vocab);
    }

    static final String[] NAMES = {"awd-lstm", "awd-lstm-mod"};

    /** True for the language models (their data is a token stream, their trainer {@code train.LmTrainer}). */
    public static boolean isLanguageModel(String model) { return model.startsWith("awd-lstm"); }

    /**
     * The paper-size defaults (DESIGN.md § Language modelling), training settings included, so that {@code --set} reaches
     * every one and a checkpoint's config rebuilds the whole run: sizes (vocab, embedding, hidden per layer), the dropout
     * rates, AR α / TAR β, the BPTT length and batch sizes, SGD lr / clip / weight decay, and the NT-ASGD patience.
     */
    static JsonObject defaults(JsonObject c, String model) {
        c.addProperty("size", "large");
        c.addProperty("vocab", 10000);
        if (model.endsWith("-mod")) c.addProperty("mod_activation", "sigmoid");
        setShape(c, 400, new int[] {1150, 1150, 400}, 80, 70, 0.4, 0.25, 0.4, 0.1, 0.5);
        c.addProperty("alpha", 2.0);       // AR on the last dropped output
        c.addProperty("beta", 1.0);        // TAR on the last raw output
        c.addProperty("eval_batch", 10);
        c.addProperty("test_batch", 1);
        c.addProperty("lr", 30.0);
        c.addProperty("clip", 0.25);
        c.addProperty("weight_decay", 1.2e-6);
        c.addProperty("nonmono", 5);       // NT-ASGD: switch once validation has not improved for this many checks
        return c;
    }

    /**
     * The dropout rates of a preset, in {@link #setShape}'s order: dropout (locked, on the last layer's output), dropouth
     * (locked, between layers), dropouti (locked, on the embedding output), dropoute (whole words of the embedding) and
     * wdrop (DropConnect on each W_hh).
     */
    static final String[] DROPOUTS = {"dropout", "dropouth", "dropouti", "dropoute", "wdrop"};

    /** Writes the sizes of a preset (embedding, hidden: one per layer, batch, bptt) and its {@link #DROPOUTS} rates. */
    public static void setShape(JsonObject c, int embedding, int[] hidden, int batch, int bptt, double... dropouts) {
        if (dropouts.length != DROPOUTS.length)
            throw new IllegalArgumentException("a preset has " + DROPOUTS.length + " dropout rates, got " + dropouts.length);
        com.google.gson.JsonArray h = new com.google.gson.JsonArray();
        for (int n : hidden) h.add(n);
        c.addProperty("embedding", embedding);
        c.add("hidden", h);
        c.addProperty("batch", batch);
        c.addProperty("bptt", bptt);
        for (int i = 0; i < dropouts.length; i++) c.addProperty(DROPOUTS[i], dropouts[i]);
    }

    /**
     * {@code size=small|large}: the sizes and rates of a preset, applied before the other {@code --set} keys. small:
     * embedding = hidden = 200 in every layer, batch 20, BPTT 35 (W6's shape), dropouts scaled down (README: the
     * measurement they come from).
     */
    public static void applySize(JsonObject c, String size) {
        switch (size) {
            case "large": {
                JsonObject d = defaults(new JsonObject(), c.get("model").getAsString());
                for (String k : new String[] {"embedding", "hidden", "dropout", "dropouth", "dropouti", "dropoute", "wdrop", "bptt", "batch"})
                    c.add(k, d.get(k));
                break;
            }
            case "small":
                setShape(c, 200, new int[] {200, 200, 200}, 20, 35, 0.2, 0.1, 0.2, 0.05, 0.2);
                break;
            default:
                throw new IllegalArgumentException("--set size must be small or large, got '" + size + "'");
        }
        c.addProperty("size", size);
    }

    private static float rate(JsonObject c, String key) {
        float p = c.get(key).getAsFloat();
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("--set " + key + " must be a dropout rate in [0, 1), got " + p);
        return p;
    }

    public int layers() { return rnns.length; }
    public Tensor embeddingWeight() { return encoder.weight(); }

    /**
     * One window: ids (steps·B) time-major, from the start state (h, c per layer, (B, H_l) each; null = zeros). In
     * training mode every dropout is drawn from the seed stream, in eval mode none.
     */
    public Output run(int[] ids, int steps, Tensor[] h0, Tensor[] c0) {
        if (steps < 1 || ids.length % steps != 0)
            throw new IllegalArgumentException("language model window: " + ids.length + " ids are not " + steps + " steps of a batch");
        int batch = ids.length / steps;
        Backend be = encoder.weight().backend();
        boolean train = isTraining();
        Tensor table = encoder.weight();
        if (train && dropoutE > 0) table = Ops.mul(table, DropMasks.rows(be, vocab, embed, dropoutE, seeds.next()));
        Tensor x = Ops.embedding(table, ids);   // (T·B, E)
        x = locked(x, steps, batch, dropoutI, train);
        Tensor[] h = new Tensor[rnns.length], c = new Tensor[rnns.length];
        Tensor raw = null;
        for (int l = 0; l < rnns.length; l++) {
            LSTM r = rnns[l];
            Tensor wHh = train && weightDrop > 0 ? Ops.dropout(r.weightHh(0), weightDrop, seeds.next()) : r.weightHh(0);
            Tensor xGates = Ops.linear(x, r.weightIh(0), r.bias(0));
            Tensor[] out = Ops.lstmLayer(cell, r.modAct, xGates, wHh, h0 == null ? null : h0[l], c0 == null ? null : c0[l], null, steps);
            raw = out[0];
            h[l] = out[1];
            c[l] = out[2];
            x = locked(raw, steps, batch, l < rnns.length - 1 ? dropoutH : dropout, train);
        }
        Tensor logits = Ops.linear(x, encoder.weight(), decoderBias);
        return new Output(logits, raw, x, h, c);
    }

    private Tensor locked(Tensor x, int steps, int batch, float p, boolean train) {
        if (!train || p == 0f) return x;
        Tensor m = DropMasks.locked(x.backend(), steps, batch * x.dim(1), p, seeds.next());
        return Ops.mul(x, m.reshape(x.shape()));
    }

    /** Logits (T·B, vocab) of ids (T, B) given as floats, from zero state, in the current mode. */
    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 2) throw new IllegalArgumentException("language model input must be (steps, batch) token ids, got " + x);
        float[] v = x.toArray();
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) ids[i] = Embedding.toId(v[i], i, vocab);
        return run(ids, x.dim(0), null, null).logits();
    }

    /** "name  count" per parameter group (embedding, each LSTM layer, decoder bias) and the total, as Table 6 counts them. */
    public List<String> parameterLines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("  embedding (tied decoder) %,d", encoder.parameterCount()));
        for (int l = 0; l < rnns.length; l++)
            out.add(String.format("  lstm layer %d (%d -> %d, %s) %,d", l, rnns[l].in, rnns[l].hidden, cell.name().toLowerCase(), rnns[l].parameterCount()));
        out.add(String.format("  decoder bias %,d", decoderBias.size()));
        out.add(String.format("  total %,d", parameterCount()));
        return out;
    }

    /** The recurrent state carried between windows: h and c per layer, on the backend, outliving every step's scope. */
    public static final class State {
        private final Tensor[] h, c;

        public State(AwdLstm m, int batch) {
            Backend be = m.encoder.weight().backend();
            h = new Tensor[m.rnns.length];
            c = new Tensor[m.rnns.length];
            for (int l = 0; l < h.length; l++) {
                h[l] = Tensor.persistentZeros(be, batch, m.hidden[l]);
                c[l] = Tensor.persistentZeros(be, batch, m.hidden[l]);
            }
        }

        public Tensor[] h() { return h; }
        public Tensor[] c() { return c; }

        /** Zero state (the start of a split). */
        public void zero() {
            for (Tensor t : h) t.backend().fill(t.buffer(), 0f, t.size());
            for (Tensor t : c) t.backend().fill(t.buffer(), 0f, t.size());
        }

        /**
         * Carries a window's end state into the next (detached: a copy on the backend). Call it once the window's
         * backward is done, which still reads the start state.
         */
        public void carry(Output o) {
            for (int l = 0; l < h.length; l++) {
                h[l].backend().copy(o.h()[l].buffer(), 0, h[l].buffer(), 0, h[l].size());
                c[l].backend().copy(o.c()[l].buffer(), 0, c[l].buffer(), 0, c[l].size());
            }
        }

        /** The state tensors in a fixed order (h_0, c_0, h_1, ...) for checkpoints. */
        public List<Tensor> tensors() {
            List<Tensor> out = new ArrayList<>();
            for (int l = 0; l < h.length; l++) { out.add(h[l]); out.add(c[l]); }
            return out;
        }

        public void free() {
            for (Tensor t : h) t.free();
            for (Tensor t : c) t.free();
        }
    }

    /** A named container of parameters and children with no forward of its own (the state_dict's rnns / decoder). */
    static final class Group extends Module {
        <M extends Module> M add(String name, M m) { return child(name, m); }

        Tensor paramOf(String name, Backend backend, float[] init, int... shape) { return param(name, backend, init, shape); }

        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException("a parameter group has no forward"); }
    }
}
