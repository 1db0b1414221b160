package org.hhnn.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.backend.UnaryOp;

/**
 * The model zoo: builds a {@link Network} by name from a JSON config (the same config a
 * checkpoint stores, so {@code eval} and {@code --resume} rebuild exactly what was trained).
 */
public final class Models {
    private Models() {}

    public static final String[] NAMES = {"mlp", "hhnn", "mlp-mod", "lstm", "lstm-mod", "lstm-control1", "lstm-control2", "lstm-control3", "cnn", "cnn-mod", "densenet", "densenet-mod", "awd-lstm", "awd-lstm-mod"};

    /** A config with the defaults of model for inputs of inFeatures and classes outputs. */
    public static JsonObject defaults(String model, int inFeatures, int classes) {
        JsonObject c = new JsonObject();
        c.addProperty("model", model);
        c.addProperty("in_features", inFeatures);
        c.addProperty("classes", classes);
        // Input standardisation statistics (scalars over the training set); 0 / 1 = none.
        c.addProperty("input_mean", 0.0);
        c.addProperty("input_std", 1.0);
        switch (model) {
            case "mlp": {
                JsonArray hidden = new JsonArray();
                hidden.add(256);
                c.add("hidden", hidden);
                c.addProperty("activation", "relu");
                c.addProperty("dropout", 0.0);
                return c;
            }
            case "hhnn": {
                // One HH layer by default; add objects to "hh_layers" to stack them (paper 3.10).
                JsonArray layers = new JsonArray();
                HHConfig h = new HHConfig();
                h.inFeatures = inFeatures;
                layers.add(h.toJson());
                c.add("hh_layers", layers);
                // Token data (vocab > 0, set by the data set's loader): the sequence model, HhSequenceClassifier
                c.addProperty("vocab", 0);
                c.addProperty("embedding", 64);
                return c;
            }
            case "mlp-mod": case "lstm": case "lstm-mod": case "lstm-control1": case "lstm-control2": case "lstm-control3":
                return ModulatedModels.defaults(c, model);   // part B: modulated dense and the paper's LSTM classifiers
            case "cnn": case "cnn-mod": case "densenet": case "densenet-mod":
                return ConvModels.defaults(c, model);   // part A: the paper's CNN and DenseNet, vanilla and modulated
            case "awd-lstm": case "awd-lstm-mod":
                return AwdLstm.defaults(c, model);      // language models (Penn Treebank)
            default:
                throw new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /**
     * Switches an hhnn config to its defaults on token data: 64 neurons, 20 steps (0.5 ms) a token in one window; the
     * readout over the last token on NAMES (3 epochs, --lr 0.01: test 0.626 against 0.605 with the mean over tokens), the
     * mean over tokens otherwise (SST-2, same budget: 0.546 against 0.506 with the last token; README, Measured). The HH
     * cost grows with neurons × steps_per_token × tokens; these sizes keep an SST-2 epoch near a minute on a quiet
     * 2-core machine.
     */
    public static void hhnnOnTokens(JsonObject c, String dataset) {
        for (var el : c.getAsJsonArray("hh_layers")) {
            JsonObject h = el.getAsJsonObject();
            h.addProperty("neurons", 64);
            h.addProperty("window", 20);
            h.addProperty("steps_per_token", 20);
            h.addProperty("token_readout", dataset.equals("names") ? "last" : "mean");
        }
    }

    /** Sets the config's input statistics from training features x (all elements pooled). */
    public static void setInputStats(JsonObject config, float[] x) {
        double sum = 0, sq = 0;
        for (float v : x) { sum += v; sq += (double) v * v; }
        double mean = sum / x.length, var = Math.max(sq / x.length - mean * mean, 0);
        config.addProperty("input_mean", (float) mean);
        config.addProperty("input_std", (float) Math.max(Math.sqrt(var), 1e-6));
    }

    private static void addStandardize(Sequential s, JsonObject config, Backend backend, int in) {
        float mean = config.has("input_mean") ? config.get("input_mean").getAsFloat() : 0f;
        float std = config.has("input_std") ? config.get("input_std").getAsFloat() : 1f;
        if (mean != 0f || std != 1f) s.add(new Standardize(backend, in, mean, std));
    }

    public static Network build(JsonObject config, Backend backend, long seed) {
        String model = config.get("model").getAsString();
        SplittableRandom rng = new SplittableRandom(seed);
        SeedStream seeds = new SeedStream(seed);
        int in = config.get("in_features").getAsInt(), classes = config.get("classes").getAsInt();
        switch (model) {
            case "mlp": {
                UnaryOp act = UnaryOp.parse(config.get("activation").getAsString());
                float p = config.get("dropout").getAsFloat();
                Sequential s = new Sequential();
                addStandardize(s, config, backend, in);
                int prev = in;
                for (int h : intArray(config.get("hidden"))) {
                    s.add(new Linear(backend, prev, h, rng));
                    s.add(new Activation(act));
                    if (p > 0) s.add(new Dropout(p, seeds));
                    prev = h;
                }
                s.add(new Linear(backend, prev, classes, rng));
                return new Network(model, s, seeds, config, classes);
            }
            case "hhnn": {
                if (config.has("vocab") && config.get("vocab").getAsInt() > 0) {
                    java.util.List<HHConfig> layers = new java.util.ArrayList<>();
                    for (var el : config.getAsJsonArray("hh_layers")) layers.add(HHConfig.fromJson(el.getAsJsonObject()));
                    return new Network(model, new HhSequenceClassifier(backend, config.get("vocab").getAsInt(),
                            config.get("embedding").getAsInt(), layers, classes, rng), seeds, config, classes);
                }
                // Standardize → HH layer(s) (Linear → currents → HH → Legendre readout) → Linear → classes
                Sequential s = new Sequential();
                addStandardize(s, config, backend, in);
                int prev = in;
                for (var el : config.getAsJsonArray("hh_layers")) {
                    HHConfig h = HHConfig.fromJson(el.getAsJsonObject());
                    h.inFeatures = prev;
                    HHLayer layer = new HHLayer(backend, h, rng);
                    s.add(layer);
                    prev = layer.outFeatures();
                }
                s.add(new Linear(backend, prev, classes, rng));
                return new Network(model, s, seeds, config, classes);
            }
            case "mlp-mod": case "lstm": case "lstm-mod": case "lstm-control1": case "lstm-control2": case "lstm-control3":
                return ModulatedModels.build(config, backend, rng, seeds);
            case "cnn": case "cnn-mod": case "densenet": case "densenet-mod":
                return ConvModels.build(config, backend, rng, seeds);
            case "awd-lstm": case "awd-lstm-mod":
                return new Network(model, new AwdLstm(backend, config, seeds, rng), seeds, config, config.get("vocab").getAsInt());
            default:
                throw new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /**
     * Applies KEY=VALUE overrides to a model config: keys of the HH layers' configs (neurons, steps,
     * window, gain, degree, readout, inhibition, ...) go to every HH layer, "hh_layers=N" stacks N
     * copies of the first, other keys to the top level. Values are numbers, booleans or strings.
     */
    public static void applyOverrides(JsonObject config, java.util.Map<String, String> overrides) {
        if (overrides == null) return;
        if (overrides.containsKey("size") && AwdLstm.isLanguageModel(config.get("model").getAsString())) {
            AwdLstm.applySize(config, overrides.get("size"));   // the preset first, so the other keys refine it
            overrides = new java.util.LinkedHashMap<>(overrides);
            overrides.remove("size");
        }
        String layersKey = "hh_layers";
        if (overrides.containsKey(layersKey) && config.has(layersKey)) {
            int n;
            try {
                n = Integer.parseInt(overrides.get(layersKey));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--set hh_layers needs a number of layers, got '" + overrides.get(layersKey) + "'");
            }
            if (n < 1) throw new IllegalArgumentException("--set hh_layers must be at least 1, got " + n);
            JsonArray old = config.getAsJsonArray(layersKey), layers = new JsonArray();
            for (int i = 0; i < n; i++) layers.add(old.get(0).deepCopy());
            config.add(layersKey, layers);
        }
        java.util.Set<String> hhKeys = new HHConfig().toJson().keySet();
        for (var e : overrides.entrySet()) {
            if (e.getKey().equals(layersKey)) continue;
            com.google.gson.JsonElement v = parseValue(e.getValue());
            if (config.has(layersKey) && hhKeys.contains(e.getKey())) {
                for (var el : config.getAsJsonArray(layersKey)) el.getAsJsonObject().add(e.getKey(), v);
            } else if (config.has(e.getKey())) {
                config.add(e.getKey(), v);
            } else {
                throw new IllegalArgumentException("--set " + e.getKey() + ": model '" + config.get("model").getAsString()
                        + "' has no such setting (it has: " + String.join(", ", settingNames(config)) + ")");
            }
        }
    }

    /** A JSON number or array of numbers as int[]. */
    static int[] intArray(com.google.gson.JsonElement e) {
        if (e.isJsonPrimitive()) return new int[] {e.getAsInt()};
        JsonArray a = e.getAsJsonArray();
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    /** The keys applyOverrides accepts for this config: its own and, for an HHNN, its HH layers'. */
    public static java.util.List<String> settingNames(JsonObject config) {
        java.util.List<String> names = new java.util.ArrayList<>(config.keySet());
        if (config.has("hh_layers")) names.addAll(new HHConfig().toJson().keySet());
        names.removeAll(java.util.List.of("model", "in_features", "classes"));
        return names;
    }

    private static com.google.gson.JsonElement parseValue(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return new com.google.gson.JsonPrimitive(Boolean.parseBoolean(v));
        try {
            return new com.google.gson.JsonPrimitive(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            if (v.contains(",")) {
                JsonArray a = new JsonArray();
                for (String p : v.split(",")) a.add(parseValue(p.trim()));
                return a;
            }
            return new com.google.gson.JsonPrimitive(v);
        }
    }
}
