package org.hhnn.nn;

import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * The paper's convolutional models (§3.1; DESIGN.md § Modulated activations; BENCHMARKS.md W4), built for {@link Models}:
 * <ul>
 *   <li>{@code cnn}: conv3x3(32, same)+ReLU, conv3x3(32, valid)+ReLU, maxpool2, dropout .25, conv3x3(64, same)+ReLU,
 *       conv3x3(64, valid)+ReLU, maxpool2, dropout .25, flatten, dense 512+ReLU, dropout .5, dense classes
 *       (889,834 parameters on 28×28×1 with 10 classes).</li>
 *   <li>{@code cnn-mod}: each conv a {@link ModulatedConv2d} (one sigmoid modulator filter per layer), the dense-512
 *       layer a {@link ModulatedDense} (one sigmoid modulator node): 892,600 parameters.</li>
 *   <li>{@code densenet}: DenseNet (Huang et al.; the paper cites it), depth 40 = 3 dense blocks of (depth − 4)/3
 *       layers, growth rate 12 ({@code --set growth=10}: the paper's "lite"), initial conv3x3 to 16 channels; a dense
 *       layer is BN-ReLU-conv3x3(growth, no bias)-dropout, its output concatenated to its input; transitions BN-ReLU-
 *       conv1x1 (no compression)-dropout-avgpool2; then BN-ReLU, global average pool, dense classes.</li>
 *   <li>{@code densenet-mod}: each dense layer's conv3x3 has one modulator filter (no bias, as its conv) whose sigmoid
 *       multiplies the conv's outputs at each position (paper Figure 2: there is no activation in the conv step, so
 *       act = identity).</li>
 * </ul>
 * Inputs arrive flat, x (B, C·H·W) row-major, and are reshaped to NCHW; C, H, W come from the config (defaults from
 * in_features: a square single-channel image, or 3 channels when in_features / 3 is square, as CIFAR-10).
 */
public final class ConvModels {
    private ConvModels() {}

    static final String[] NAMES = {"cnn", "cnn-mod", "densenet", "densenet-mod"};

    /** Fills c (which already holds model, in_features, classes, input statistics) with the model's defaults. */
    static JsonObject defaults(JsonObject c, String model) {
        int in = c.get("in_features").getAsInt();
        int[] chw = imageShape(in);
        c.addProperty("channels", chw[0]);
        c.addProperty("height", chw[1]);
        c.addProperty("width", chw[2]);
        if (model.endsWith("-mod")) c.addProperty("mod_activation", "sigmoid");
        if (model.startsWith("cnn")) {
            c.addProperty("dropout_conv", 0.25);
            c.addProperty("dropout_fc", 0.5);
            c.addProperty("hidden", 512);
        } else {
            c.addProperty("depth", 40);
            c.addProperty("growth", 12);
            c.addProperty("init_channels", 16);
            c.addProperty("dropout", 0.2);   // the DenseNet paper's value without augmentation (the source paper is vague)
        }
        return c;
    }

    /** (C, H, W) for flat images of n features: square single-channel, else 3 square channels. */
    static int[] imageShape(int n) {
        int s = (int) Math.round(Math.sqrt(n));
        if (s * s == n) return new int[] {1, s, s};
        int s3 = (int) Math.round(Math.sqrt(n / 3.0));
        if (n % 3 == 0 && s3 * s3 * 3 == n) return new int[] {3, s3, s3};
        throw new IllegalArgumentException("conv models need image inputs: " + n + " features are neither a square "
                + "single-channel image nor a 3-channel square one (set channels, height and width with --set)");
    }

    static Network build(JsonObject config, Backend backend, SplittableRandom rng, SeedStream seeds) {
        String model = config.get("model").getAsString();
        int in = config.get("in_features").getAsInt(), classes = config.get("classes").getAsInt();
        int ch = config.get("channels").getAsInt(), h = config.get("height").getAsInt(), w = config.get("width").getAsInt();
        if ((long) ch * h * w != in)
            throw new IllegalArgumentException(model + ": channels x height x width = " + ch + "x" + h + "x" + w
                    + " does not match in_features " + in);
        boolean mod = model.endsWith("-mod");
        UnaryOp modAct = mod ? UnaryOp.parse(config.get("mod_activation").getAsString()) : null;
        Sequential s = new Sequential();
        addStandardize(s, config, backend, in);
        s.add(new Reshape(ch, h, w));
        if (model.startsWith("cnn")) cnn(s, config, backend, rng, seeds, modAct, ch, h, w, classes);
        else densenet(s, config, backend, rng, seeds, modAct, ch, h, w, classes);
        return new Network(model, s, seeds, config, classes);
    }

    // As Models' own (private there): scalar input standardisation when the config carries statistics.
    private static void addStandardize(Sequential s, JsonObject config, Backend backend, int in) {
        float mean = config.has("input_mean") ? config.get("input_mean").getAsFloat() : 0f;
        float std = config.has("input_std") ? config.get("input_std").getAsFloat() : 1f;
        if (mean != 0f || std != 1f) s.add(new Standardize(backend, in, mean, std));
    }

    // ---- the vanilla / modulated CNN ------------------------------------------------------------------------------

    private static Module conv(Backend be, int in, int out, int pad, UnaryOp modAct, SplittableRandom rng) {
        if (modAct != null) return new ModulatedConv2d(be, in, out, 3, 1, pad, true, UnaryOp.RELU, modAct, rng);
        return new Sequential(new Conv2d(be, in, out, 3, 1, pad, true, rng), new Activation(UnaryOp.RELU));
    }

    private static void cnn(Sequential s, JsonObject c, Backend be, SplittableRandom rng, SeedStream seeds, UnaryOp modAct,
                            int ch, int h, int w, int classes) {
        float pConv = c.get("dropout_conv").getAsFloat(), pFc = c.get("dropout_fc").getAsFloat();
        int hidden = c.get("hidden").getAsInt();
        int prev = ch;
        for (int filters : new int[] {32, 64}) {
            s.add(conv(be, prev, filters, 1, modAct, rng));          // same
            s.add(conv(be, filters, filters, 0, modAct, rng));       // valid: −2
            s.add(new MaxPool2d(2));
            if (pConv > 0) s.add(new Dropout(pConv, seeds));
            h = (h - 2) / 2;
            w = (w - 2) / 2;
            prev = filters;
        }
        if (h < 1 || w < 1) throw new IllegalArgumentException("cnn: the image is too small for two conv blocks");
        s.add(Reshape.flatten());
        int flat = prev * h * w;
        if (modAct != null) s.add(new ModulatedDense(be, flat, hidden, UnaryOp.RELU, modAct, rng));
        else s.add(new Sequential(new Linear(be, flat, hidden, rng), new Activation(UnaryOp.RELU)));
        if (pFc > 0) s.add(new Dropout(pFc, seeds));
        s.add(new Linear(be, hidden, classes, rng));
    }

    // ---- DenseNet ---------------------------------------------------------------------------------------------------

    /** BN-ReLU-conv3x3(growth)[·σ_m(modulator)]-dropout; output = [input, new features] along the channels. */
    static final class DenseLayer extends Module {
        private final BatchNorm2d bn;
        private final Module conv;
        private final Dropout drop;

        DenseLayer(Backend be, int in, int growth, float p, UnaryOp modAct, SeedStream seeds, SplittableRandom rng) {
            bn = child("bn", new BatchNorm2d(be, in));
            conv = child("conv", modAct != null ? new ModulatedConv2d(be, in, growth, 3, 1, 1, false, UnaryOp.IDENTITY, modAct, rng)
                                                : new Conv2d(be, in, growth, 3, 1, 1, false, rng));
            // A child, so eval mode reaches it (it has no state, so checkpoint names are unchanged).
            drop = p > 0 ? child("drop", new Dropout(p, seeds)) : null;
        }

        @Override public Tensor forward(Tensor x) {
            Tensor y = conv.forward(Ops.relu(bn.forward(x)));
            if (drop != null) y = drop.forward(y);
            return Ops.concatChannels(x, y);
        }
    }

    private static void densenet(Sequential s, JsonObject c, Backend be, SplittableRandom rng, SeedStream seeds, UnaryOp modAct,
                                 int ch, int h, int w, int classes) {
        int depth = c.get("depth").getAsInt(), growth = c.get("growth").getAsInt(), channels = c.get("init_channels").getAsInt();
        float p = c.get("dropout").getAsFloat();
        if ((depth - 4) % 3 != 0 || depth < 7)
            throw new IllegalArgumentException("densenet: depth must be 3n + 4 with n >= 1 (40 in the paper), got " + depth);
        int layers = (depth - 4) / 3;
        s.add(new Conv2d(be, ch, channels, 3, 1, 1, false, rng));
        for (int block = 0; block < 3; block++) {
            for (int l = 0; l < layers; l++) {
                s.add(new DenseLayer(be, channels, growth, p, modAct, seeds, rng));
                channels += growth;
            }
            if (block < 2) {   // transition: BN-ReLU-conv1x1-dropout-avgpool2
                s.add(new BatchNorm2d(be, channels));
                s.add(new Activation(UnaryOp.RELU));
                s.add(new Conv2d(be, channels, channels, 1, 1, 0, false, rng));
                if (p > 0) s.add(new Dropout(p, seeds));
                s.add(new AvgPool2d(2, 2));
            }
        }
        s.add(new BatchNorm2d(be, channels));
        s.add(new Activation(UnaryOp.RELU));
        s.add(AvgPool2d.global());
        s.add(Reshape.flatten());
        s.add(new Linear(be, channels, classes, rng));
    }
}
