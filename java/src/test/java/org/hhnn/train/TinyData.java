package org.hhnn.train;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;

/** A tiny learnable in-memory data set for training-run tests: class c lights up features 4c..4c+3, plus noise. */
public final class TinyData {
    private TinyData() {}

    public static final int FEATURES = 16, CLASSES = 4;

    public static Dataset make(String name, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) x[i * FEATURES + j] = (float) (rng.nextDouble() * 0.6 + (j / 4 == y[i] ? 1 : 0));
        }
        return new Dataset(name, x, y, new int[] {FEATURES}, CLASSES, null);
    }

    /** Train and test parts, as a data set loader gives them. */
    public static DataSets.TrainTest trainTest(int train, int test, long seed) {
        return new DataSets.TrainTest(make("tiny-train", train, seed), make("tiny-test", test, seed + 1000), Path.of("tiny"));
    }
}
