package org.hhnn.nn;

import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;

/**
 * The modulated dense network and the paper's LSTM classifiers (§3.2, Figure 6, Table 3), built for {@link Models}:
 * {@code mlp-mod}; {@code lstm} (vanilla), {@code lstm-mod} (modulated cell), and the controls {@code lstm-control1}
 * (vanilla with the modulated cell's parameter count), {@code lstm-control2} (vanilla with the same hidden size) and
 * {@code lstm-control3} (vanilla plus a second input gate, same nodes as the modulated cell).
 *
 * <p>LSTM config keys: vocab (max token id + 1; the data set's loader sets it, or {@code --set vocab=N}), max_len (the
 * padded sequence length = in_features), embedding, hidden (the modulated cell's hidden size; the controls are sized
 * from it), layers (stacked LSTM layers, default 1), dropout (on the last hidden state), mod_activation (σ_m, lstm-mod), control1_hidden (lstm-control1; 0 =
 * derive by {@link #control1Hidden}). Defaults are the paper's Simple-LSTM (NAMES, char level); {@link #advanced}
 * switches a config to the Advanced-LSTM (SST-2, word level). input_mean / input_std are ignored (the inputs are ids).
 */
public final class ModulatedModels {
    private ModulatedModels() {}

    static final String[] NAMES = {"mlp-mod", "lstm", "lstm-mod", "lstm-control1", "lstm-control2", "lstm-control3"};

    static boolean isLstm(String model) { return model.startsWith("lstm"); }

    /** Fills c (which already holds model, in_features, classes, input statistics) with the model's defaults. */
    static JsonObject defaults(JsonObject c, String model) {
        if (model.equals("mlp-mod")) {
            com.google.gson.JsonArray hidden = new com.google.gson.JsonArray();
            hidden.add(256);
            c.add("hidden", hidden);
            c.addProperty("activation", "relu");
            c.addProperty("mod_activation", "sigmoid");
            c.addProperty("dropout", 0.0);
            return c;
        }
        c.addProperty("vocab", 0);
        c.addProperty("max_len", c.get("in_features").getAsInt());
        c.addProperty("embedding", 128);   // paper §3.2, Simple-LSTM
        c.addProperty("hidden", 32);
        c.addProperty("layers", 1);   // stacked LSTM layers (the paper's classifiers have one)
        c.addProperty("dropout", 0.2);
        if (model.equals("lstm-mod")) c.addProperty("mod_activation", "sigmoid");   // Table 4: sigmoid on NAMES
        if (model.equals("lstm-control1")) c.addProperty("control1_hidden", 0);
        return c;
    }

    /**
     * Switches an LSTM config to the paper's Advanced-LSTM (SST-2, word level): embedding 300, hidden 150, no dropout,
     * σ_m = tanhshrink (Table 4; the text says tanh, the table tanhshrink: the table is taken).
     */
    public static void advanced(JsonObject c) {
        c.addProperty("embedding", 300);
        c.addProperty("hidden", 150);
        c.addProperty("dropout", 0.0);
        if (c.has("mod_activation")) c.addProperty("mod_activation", "tanhshrink");
    }

    /**
     * Control 1's hidden size: the vanilla H1 whose cell parameter count 4·H1·(E + H1 + 1) is nearest the modulated
     * cell's 5·H·(E + H + 1). (Table 3 of the paper counts only the recurrent weights G·H², which gives H1 = 5H/4, i.e.
     * 40 for H = 32: set control1_hidden to use that reading.)
     */
    public static int control1Hidden(int embedding, int hidden) {
        long target = LSTM.cellParameters(LstmCell.MODULATED, embedding, hidden);
        int best = hidden;
        for (int h = hidden; h <= 2 * hidden + 8; h++)
            if (Math.abs(LSTM.cellParameters(LstmCell.VANILLA, embedding, h) - target)
                    < Math.abs(LSTM.cellParameters(LstmCell.VANILLA, embedding, best) - target)) best = h;
        return best;
    }

    static Network build(JsonObject config, Backend backend, SplittableRandom rng, SeedStream seeds) {
        String model = config.get("model").getAsString();
        int in = config.get("in_features").getAsInt(), classes = config.get("classes").getAsInt();
        if (model.equals("mlp-mod")) {
            UnaryOp act = UnaryOp.parse(config.get("activation").getAsString());
            UnaryOp mod = UnaryOp.parse(config.get("mod_activation").getAsString());
            float p = config.get("dropout").getAsFloat();
            Sequential s = new Sequential();
            float mean = config.has("input_mean") ? config.get("input_mean").getAsFloat() : 0f;
            float std = config.has("input_std") ? config.get("input_std").getAsFloat() : 1f;
            if (mean != 0f || std != 1f) s.add(new Standardize(backend, in, mean, std));
            int prev = in;
            for (int h : Models.intArray(config.get("hidden"))) {
                s.add(new ModulatedDense(backend, prev, h, act, mod, rng));
                if (p > 0) s.add(new Dropout(p, seeds));
                prev = h;
            }
            s.add(new Linear(backend, prev, classes, rng));
            return new Network(model, s, seeds, config, classes);
        }
        int vocab = config.get("vocab").getAsInt();
        if (vocab < 2)
            throw new IllegalArgumentException("model '" + model + "' needs the vocabulary size (max token id + 1) in its config: "
                    + "the data set's loader sets it, or pass --set vocab=N");
        int embed = config.get("embedding").getAsInt(), hidden = Models.intArray(config.get("hidden"))[0];
        float p = config.get("dropout").getAsFloat();
        LstmCell cell = LstmCell.VANILLA;
        UnaryOp mod = null;
        switch (model) {
            case "lstm": case "lstm-control2": break;
            case "lstm-mod":
                cell = LstmCell.MODULATED;
                mod = UnaryOp.parse(config.get("mod_activation").getAsString());
                break;
            case "lstm-control3": cell = LstmCell.CONTROL3; break;
            case "lstm-control1": {
                int h1 = config.has("control1_hidden") ? config.get("control1_hidden").getAsInt() : 0;
                hidden = h1 > 0 ? h1 : control1Hidden(embed, hidden);
                break;
            }
            default: throw new IllegalArgumentException("unknown model '" + model + "'");
        }
        int layers = config.has("layers") ? config.get("layers").getAsInt() : 1;   // configs before the option: one layer
        Module body = new LstmClassifier(backend, vocab, embed, hidden, layers, cell, mod, classes, p, seeds, rng);
        return new Network(model, body, seeds, config, classes);
    }
}
