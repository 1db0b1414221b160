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

    public static final String[] NAMES = {"mlp"};

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
            default:
                throw new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", NAMES) + ")");
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
                for (var h : config.getAsJsonArray("hidden")) {
                    s.add(new Linear(backend, prev, h.getAsInt(), rng));
                    s.add(new Activation(act));
                    if (p > 0) s.add(new Dropout(p, seeds));
                    prev = h.getAsInt();
                }
                s.add(new Linear(backend, prev, classes, rng));
                return new Network(model, s, seeds, config, classes);
            }
            default:
                throw new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }
}
