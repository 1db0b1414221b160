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
