package org.hhnn.nn;

import com.google.gson.JsonObject;
import org.hhnn.tensor.Tensor;

/**
 * A trainable model as the trainer and checkpoints see it: the module, its dropout seed stream,
 * the name it was built from and the config that rebuilds it (provenance).
 */
public final class Network {
    public final String model;
    public final Module body;
    public final SeedStream seeds;
    public final JsonObject config;
    public final int numClasses;

    public Network(String model, Module body, SeedStream seeds, JsonObject config, int numClasses) {
        this.model = model;
        this.body = body;
        this.seeds = seeds;
        this.config = config;
        this.numClasses = numClasses;
    }

    /** Logits (B, classes) for a batch x (B, features). */
    public Tensor forward(Tensor x) { return body.forward(x); }
}
