package org.hhnn.workload;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hhnn.backend.Backend;
import org.hhnn.data.Batcher;
import org.hhnn.data.Dataset;
import org.hhnn.nn.HHConfig;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;

/**
 * A few training steps of each model family on tiny generated data, from a seed, on any backend: the losses, step by
 * step, to compare a backend against the reference (CudaTrainingTest, hhnn gpu-check). Families: mlp (linear layers,
 * activations, dropout, the optimizers), hhnn (HH windows, Legendre readout, conductance gradients), cnn-mod (im2col,
 * pooling, modulated conv and dense layers), densenet-mod (batch norm, concatenation, average pooling) and lstm-mod
 * (embedding, the fused modulated LSTM sequence). Sized so the reference backend runs each in seconds.
 */
public final class FamilySteps {
    private FamilySteps() {}

    public static final int CLASSES = 5;
    private static final int FEATURES = 24, ITEMS = 256;

    /** One family's run: its data and model from the seed, the optimizer and how many steps. */
    public record Family(String name, Dataset data, JsonObject model, String optimizer, int steps) {
        /** The loss of each step on backend (the same batches and initial weights on every backend). */
        public List<Float> losses(Backend backend, long seed) { return FamilySteps.losses(backend, data, model.deepCopy(), optimizer, seed, steps); }
    }

    /** The families above, in that order; mlp with the optimizer given ("adam" or "sgd"). */
    public static List<Family> all(long seed, String mlpOptimizer, int mlpSteps) {
        return List.of(mlp(seed, mlpOptimizer, mlpSteps), hhnn(seed), cnnMod(seed), densenetMod(seed), lstmMod(seed));
    }

    public static Family mlp(long seed, String optimizer, int steps) {
        JsonObject model = Models.defaults("mlp", FEATURES, CLASSES);
        JsonArray hidden = new JsonArray();
        hidden.add(32);
        hidden.add(16);
        model.add("hidden", hidden);
        model.addProperty("activation", "tanh");
        model.addProperty("dropout", 0.1);
        return new Family("mlp", tabular(seed), model, optimizer, steps);
    }

    /** 24 HH neurons, two windows of 20 steps, trainable conductances (the hhBackward dCond path). */
    public static Family hhnn(long seed) {
        JsonObject model = Models.defaults("hhnn", FEATURES, CLASSES);
        HHConfig h = new HHConfig();
        h.inFeatures = FEATURES;
        h.neurons = 24;
        h.steps = 40;
        h.window = 20;
        h.trainConductances = true;
        JsonArray layers = new JsonArray();
        layers.add(h.toJson());
        model.add("hh_layers", layers);
        return new Family("hhnn", tabular(seed), model, "adam", 4);
    }

    /**
     * SGD, not Adam: Adam's first steps move each weight by about lr·g/(|g| + 1e-8), so a gradient near zero (a bias
     * of a unit no sample reaches) is a full step whose size follows the last bits of g; the reference's float64 and
     * the kernels' float32 then parted by 1e-4 in the loss at step 3 for 1 seed in 30, with every primitive within
     * 1e-6. Adam's kernel is checked by the optimizer parity cases and by the mlp family.
     */
    public static Family cnnMod(long seed) {
        Dataset data = images(seed);
        JsonObject m = Models.defaults("cnn-mod", data.features(), CLASSES);
        m.addProperty("hidden", 32);   // a smaller fc layer keeps the reference run short
        return new Family("cnn-mod", data, m, "sgd", 3);
    }

    /** depth 7 (one dense layer per block), growth 4, 4 initial channels. */
    public static Family densenetMod(long seed) {
        Dataset data = images(seed);
        JsonObject m = Models.defaults("densenet-mod", data.features(), CLASSES);
        m.addProperty("depth", 7);
        m.addProperty("growth", 4);
        m.addProperty("init_channels", 4);
        return new Family("densenet-mod", data, m, "sgd", 2);   // SGD: see cnnMod
    }

    public static Family lstmMod(long seed) {
        Dataset data = sequences(seed);
        JsonObject m = Models.defaults("lstm-mod", data.features(), CLASSES);
        m.addProperty("vocab", 10);
        return new Family("lstm-mod", data, m, "sgd", 6);
    }

    /** 256 items of 24 features: class c shifts every feature f with f mod 5 = c. */
    static Dataset tabular(long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[ITEMS * FEATURES];
        int[] y = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            y[i] = rnd.nextInt(CLASSES);
            for (int f = 0; f < FEATURES; f++) x[i * FEATURES + f] = (float) (rnd.nextGaussian() + (f % CLASSES == y[i] ? 1.5 : 0) + 3);
        }
        return new Dataset("tiny", x, y, new int[] {FEATURES}, CLASSES, null);
    }

    /** 12x12 single-channel images: class c has a bright row band at rows 2c..2c+1 (the CNNs need a square image). */
    static Dataset images(long seed) {
        Random rnd = new Random(seed);
        int n = 96, side = 12, f = side * side;
        float[] x = new float[n * f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(CLASSES);
            for (int p = 0; p < f; p++) x[i * f + p] = (float) (0.3 * rnd.nextFloat() + ((p / side) / 2 == y[i] ? 0.7 : 0));
        }
        return new Dataset("tiny-images", x, y, new int[] {1, side, side}, CLASSES, null);
    }

    /** Token sequences of length 8 over ids 1..9, right-padded with 0; the class is the most frequent id mod 5. */
    static Dataset sequences(long seed) {
        Random rnd = new Random(seed);
        int n = 96, len = 8;
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int valid = 3 + rnd.nextInt(len - 2);
            y[i] = rnd.nextInt(CLASSES);
            for (int t = 0; t < valid; t++) x[i * len + t] = rnd.nextFloat() < 0.6 ? 1 + y[i] : 1 + rnd.nextInt(9);
        }
        return new Dataset("tiny-seq", x, y, new int[] {len}, CLASSES, null);
    }

    static List<Float> losses(Backend backend, Dataset data, JsonObject model, String optimizer, long seed, int steps) {
        Models.setInputStats(model, data.x());
        Network net = Models.build(model, backend, seed);
        TrainConfig cfg = new TrainConfig();
        cfg.batchSize = 32;
        cfg.optimizer = optimizer;
        cfg.lr = optimizer.equals("sgd") ? 0.05f : 3e-3f;
        cfg.momentum = optimizer.equals("sgd") ? 0.9f : 0f;
        cfg.weightDecay = 1e-4f;
        cfg.seed = seed;
        cfg.progress = false;
        Trainer trainer = new Trainer(net, backend, cfg, new PrintStream(OutputStream.nullOutputStream()));
        net.body.train(true);
        List<Float> out = new ArrayList<>();
        Batcher batches = new Batcher(data, cfg.batchSize, true, seed);
        for (int epoch = 0; out.size() < steps; epoch++)
            for (Batcher.Batch b : batches.batches(epoch)) {
                if (out.size() == steps) break;
                out.add(trainer.step(b, data.features()));
            }
        return out;
    }
}
