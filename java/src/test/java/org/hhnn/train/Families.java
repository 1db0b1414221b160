package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.tensor.Tensor;

/**
 * One small training run per model family (mlp, hhnn with inhibition and feedback, cnn, densenet, lstm), each with
 * dropout where the family has it, on data small enough for the reference backend: the fixture of the resume and
 * thread-determinism tests.
 */
final class Families {
    private Families() {}

    static final String[] MODELS = {"mlp", "hhnn", "cnn", "densenet", "lstm"};

    /** The backend by name; cpu must be there unless -Dhhnn.skipNative=true (as the cpu parity tests). */
    static Backend backend(String name) {
        if (name.equals("cpu")) {
            assumeFalse(!CpuBackend.isAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
            if (!CpuBackend.isAvailable()) fail(CpuBackend.unavailabilityCause());
        }
        return Backends.get(name);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> cases(String... backends) {
        return Arrays.stream(backends).flatMap(b -> Arrays.stream(MODELS).map(m -> org.junit.jupiter.params.provider.Arguments.of(b, m)));
    }

    /** A 2-epoch run of 5 batches per epoch (the last one partial), its schedule stepping inside the run. */
    static TrainConfig config(String model) {
        TrainConfig c = new TrainConfig();
        c.model = model;
        c.epochs = 2;
        c.batchSize = 8;
        c.lr = 0.01f;
        c.seed = 7;
        c.progress = false;
        switch (model) {
            case "mlp" -> { c.hidden = new int[] {8}; c.dropout = 0.2f; }
            case "hhnn" -> c.settings.putAll(Map.of("neurons", "6", "steps", "40", "window", "20", "inhibition", "0.5", "feedback", "0.3"));
            case "cnn" -> c.settings.putAll(Map.of("hidden", "16"));
            case "densenet" -> c.settings.putAll(Map.of("depth", "7", "growth", "4", "init_channels", "4"));
            case "lstm" -> c.settings.putAll(Map.of("embedding", "6", "hidden", "6"));
            default -> throw new IllegalArgumentException(model);
        }
        return c;
    }

    /** The family's data: flat vectors, 10x10 images, or token sequences; 40 training items (36 train + 4 validation). */
    static DataSets.TrainTest data(String model) {
        return switch (model) {
            case "cnn", "densenet" -> new DataSets.TrainTest(images(40, 1), images(16, 2), Path.of("images"));
            case "lstm" -> new DataSets.TrainTest(tokens(40, 1), tokens(16, 2), Path.of("tokens"));
            default -> new DataSets.TrainTest(TinyData.make("tiny-train", 40, 1), TinyData.make("tiny-test", 16, 2), Path.of("tiny"));
        };
    }

    private static Dataset images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int side = 10, px = side * side;   // the cnn's two conv blocks need at least 10x10
        float[] x = new float[n * px];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            for (int p = 0; p < px; p++) {
                boolean inQuadrant = (p / side < side / 2) == (y[i] / 2 == 0) && (p % side < side / 2) == (y[i] % 2 == 0);
                x[i * px + p] = (float) r.nextDouble() * 0.5f + (inQuadrant ? 1 : 0);
            }
        }
        return new Dataset("images", x, y, new int[] {1, side, side}, 4, null);
    }

    private static Dataset tokens(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int len = 6, vocab = 7;
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            int valid = 2 + r.nextInt(len - 1);   // padded with id 0 after the valid tokens
            for (int t = 0; t < valid; t++) x[i * len + t] = 1 + (t == 0 ? y[i] : r.nextInt(vocab - 1));
        }
        String[] words = new String[vocab];
        for (int v = 0; v < vocab; v++) words[v] = v == 0 ? "<pad>" : "w" + v;
        return new Dataset("tokens", x, y, new int[] {len}, 3, null).withVocabulary(words);
    }

    /** Every weight, buffer and optimizer state tensor must have the same bits. */
    static void assertSameState(Trainer a, Trainer b, String what) {
        Map<String, Tensor> sa = a.network().body.namedState(), sb = b.network().body.namedState();
        assertEquals(sa.keySet(), sb.keySet());
        for (String k : sa.keySet()) assertSameBits(sa.get(k).toArray(), sb.get(k).toArray(), what + ": model." + k);
        Map<String, Tensor> oa = a.optimizer().state(), ob = b.optimizer().state();
        assertEquals(oa.keySet(), ob.keySet());
        for (String k : oa.keySet()) assertSameBits(oa.get(k).toArray(), ob.get(k).toArray(), what + ": optim." + k);
        assertEquals(a.optimizer().stepCount(), b.optimizer().stepCount(), what + ": optimizer steps");
    }

    static void assertSameBits(float[] x, float[] y, String what) {
        assertEquals(x.length, y.length, what);
        for (int i = 0; i < x.length; i++)
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i]))
                fail(what + "[" + i + "] differs: " + x[i] + " vs " + y[i] + " (and maybe more)");
    }
}
