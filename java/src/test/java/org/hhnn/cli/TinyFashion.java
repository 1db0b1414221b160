package org.hhnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.hhnn.data.IdxWriter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Writes a tiny, learnable Fashion-MNIST look-alike (28×28 IDX files, 10 classes): each class is a
 * bright horizontal band at its own rows plus noise, so a small MLP separates them in a few epochs.
 * As a test class's {@code @RegisterExtension static final TinyFashion data = new TinyFashion(train, test, seed);} it is
 * written once, before the class's tests, into a folder of its own ({@link #dir}) that is deleted after them.
 */
final class TinyFashion implements BeforeAllCallback, AfterAllCallback {
    private final int train, test;
    private final long seed;
    private Path dir;

    TinyFashion(int train, int test, long seed) {
        this.train = train;
        this.test = test;
        this.seed = seed;
    }

    /** The data set's folder (for --data). */
    Path dir() { return dir; }

    @Override public void beforeAll(ExtensionContext context) throws java.io.IOException {
        dir = Files.createTempDirectory("tiny-fashion");
        write(dir, train, test, seed);
    }

    @Override public void afterAll(ExtensionContext context) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    static void write(Path dir, int train, int test, long seed) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Random rng = new Random(seed);
        write(dir, "train", train, rng);
        write(dir, "t10k", test, rng);
    }

    private static void write(Path dir, String prefix, int n, Random rng) {
        byte[] px = new byte[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = c;
            for (int r = 0; r < 28; r++)
                for (int col = 0; col < 28; col++) {
                    int v = rng.nextInt(60);
                    if (r / 3 == c || (r / 3 == 9 && c == 9)) v += 150;
                    px[i * 784 + r * 28 + col] = (byte) Math.min(v, 255);
                }
        }
        IdxWriter.writeImages(dir.resolve(prefix + "-images-idx3-ubyte.gz"), n, 28, 28, px, true);
        IdxWriter.writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels, true);
    }
}
