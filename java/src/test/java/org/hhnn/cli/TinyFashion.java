package org.hhnn.cli;

import java.nio.file.Path;
import java.util.Random;
import org.hhnn.data.IdxWriter;

/**
 * Writes a tiny, learnable Fashion-MNIST look-alike (28×28 IDX files, 10 classes): each class is a
 * bright horizontal band at its own rows plus noise, so a small MLP separates them in a few epochs.
 */
final class TinyFashion {
    private TinyFashion() {}

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
