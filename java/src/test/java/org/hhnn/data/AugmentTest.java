package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.nn.Models;
import org.hhnn.train.EpochStats;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import org.junit.jupiter.api.Test;

/** Shift + mirror augmentation: geometry, determinism per (seed, epoch, batch), and the Trainer hook. */
class AugmentTest {
    /** n images of [c, h, w] whose pixels are distinct positive numbers. */
    static Batcher.Batch images(int n, int c, int h, int w) {
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return new Batcher.Batch(x, new int[n], n);
    }

    @Test void noShiftNoMirrorIsIdentity() {
        Batcher.Batch b = images(3, 2, 5, 4);
        assertArrayEquals(b.x(), new Augment(1, 0, false).apply(b, new int[] {2, 5, 4}, 0, 0).x());
    }

    @Test void mirrorOnlyFlipsEachImageOrLeavesIt() {
        int c = 2, h = 3, w = 4, f = c * h * w;
        Batcher.Batch b = images(40, c, h, w);
        float[] out = new Augment(5, 0, true).apply(b, new int[] {c, h, w}, 2, 7).x();
        int flipped = 0;
        for (int i = 0; i < 40; i++) {
            boolean same = Arrays.equals(Arrays.copyOfRange(out, i * f, (i + 1) * f), Arrays.copyOfRange(b.x(), i * f, (i + 1) * f));
            if (!same) {
                flipped++;
                for (int ch = 0; ch < c; ch++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            assertEquals(b.x()[i * f + ch * h * w + y * w + (w - 1 - x)], out[i * f + ch * h * w + y * w + x]);
            }
        }
        assertTrue(flipped > 8 && flipped < 32, "about half are mirrored: " + flipped);
    }

    @Test void shiftMovesAllChannelsTogetherWithZeroFill() {
        int c = 3, h = 8, w = 8, f = c * h * w;
        Batcher.Batch b = images(20, c, h, w);
        float[] out = new Augment(9, 2, false).apply(b, new int[] {c, h, w}, 0, 1).x();
        for (int i = 0; i < 20; i++) {
            // Find the shift from the pixel that landed at the centre of channel 0.
            float v = out[i * f + 4 * w + 4];
            int src = (int) v - 1 - i * f;
            int dy = 4 - src / w, dx = 4 - src % w;
            assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "shift within ±2: " + dy + "," + dx);
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int sy = y - dy, sx = x - dx;
                        float want = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : b.x()[i * f + ch * h * w + sy * w + sx];
                        assertEquals(want, out[i * f + ch * h * w + y * w + x]);
                    }
        }
    }

    @Test void sameSeedEpochAndBatchGiveTheSameAugmentation() {
        Batcher.Batch b = images(16, 1, 6, 6);
        int[] shape = {1, 6, 6};
        Augment a = Augment.shiftMirror(3);
        assertArrayEquals(a.apply(b, shape, 4, 2).x(), Augment.shiftMirror(3).apply(b, shape, 4, 2).x());
        assertFalse(Arrays.equals(a.apply(b, shape, 4, 2).x(), a.apply(b, shape, 4, 3).x()), "another batch");
        assertFalse(Arrays.equals(a.apply(b, shape, 4, 2).x(), a.apply(b, shape, 5, 2).x()), "another epoch");
        assertFalse(Arrays.equals(a.apply(b, shape, 4, 2).x(), Augment.shiftMirror(4).apply(b, shape, 4, 2).x()), "another seed");
        float[] before = b.x().clone();
        a.apply(b, shape, 0, 0);
        assertArrayEquals(before, b.x(), "the input batch is not changed");
        assertThrows(IllegalArgumentException.class, () -> a.apply(b, new int[] {36}, 0, 0));
    }

    /** Keyed by the image's index in the epoch: two halves of a batch augment as the whole (data-parallel ranks). */
    @Test void halvesOfABatchAugmentAsTheWholeBatch() {
        int[] shape = {2, 5, 5};
        int f = 2 * 5 * 5;
        Batcher.Batch b = images(12, 2, 5, 5);
        Augment a = Augment.shiftMirror(7);
        float[] whole = a.apply(b, shape, 3, 96).x();
        Batcher.Batch lo = new Batcher.Batch(Arrays.copyOfRange(b.x(), 0, 6 * f), new int[6], 6);
        Batcher.Batch hi = new Batcher.Batch(Arrays.copyOfRange(b.x(), 6 * f, 12 * f), new int[6], 6);
        assertArrayEquals(Arrays.copyOfRange(whole, 0, 6 * f), a.apply(lo, shape, 3, 96).x());
        assertArrayEquals(Arrays.copyOfRange(whole, 6 * f, 12 * f), a.apply(hi, shape, 3, 102).x());
        assertFalse(Arrays.equals(Arrays.copyOfRange(whole, 6 * f, 12 * f), a.apply(hi, shape, 3, 96).x()), "the offset matters");
    }

    /** The Trainer applies cfg.augment: training differs from plain training, and repeats exactly. */
    @Test void trainerAppliesTheAugmentation() {
        int n = 64;
        float[] x = new float[n * 36];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 36; j++) x[i * 36 + j] = ((j % 6) < 3) == (y[i] == 0) ? 1f : 0f;
        }
        Dataset d = new Dataset("stripes", x, y, new int[] {1, 6, 6}, 2, null);
        assertNotEquals(losses(d, false), losses(d, true));
        assertEquals(losses(d, true), losses(d, true));
    }

    private static List<Double> losses(Dataset d, boolean augment) {
        Backend backend = Backends.get("reference");
        var mc = Models.defaults("mlp", d.features(), 2);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 2;
        cfg.batchSize = 16;
        cfg.progress = false;
        cfg.augment = augment;
        Trainer t = new Trainer(Models.build(mc, backend, 1), backend, cfg, new PrintStream(OutputStream.nullOutputStream()));
        return t.fit(d, null).stream().map(EpochStats::trainLoss).toList();
    }
}
