package org.hhnn.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches of {@code batchSize} items (the last one smaller when
 * the size does not divide evenly). With shuffling on, epoch e visits the items in a permutation
 * that depends only on (seed, e) — not on how many epochs ran before in this process — so a
 * training run resumed at epoch e sees exactly the batches an uninterrupted run would have seen.
 */
public final class Batcher {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;

    /** One mini-batch: {@code x} is row-major [size, features], {@code y} has {@code size} labels. */
    public record Batch(float[] x, int[] y, int size) {
    }

    public Batcher(Dataset data, int batchSize, boolean shuffle, long seed) {
        if (data == null) {
            throw new IllegalArgumentException("batcher: dataset must not be null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(data.name() + ": batch size must be at least 1, got " + batchSize);
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch, the last partial batch included. */
    public int numBatches() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /**
     * The order in which epoch {@code epoch} visits the items: the identity without shuffling,
     * otherwise a Fisher-Yates permutation from a {@link SplittableRandom} seeded with a
     * splitmix64 mix of (seed, epoch). Mixing matters: SplittableRandom(s + k) streams overlap
     * shifted copies of each other, so seeding with seed + epoch would correlate epochs.
     */
    public int[] permutation(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException(data.name() + ": epoch must be >= 0, got " + epoch);
        }
        if (!shuffle) {
            int[] p = new int[data.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = i;
            }
            return p;
        }
        return Dataset.permutation(data.size(), new SplittableRandom(mix64(seed ^ mix64(epoch + 0x632BE59BD9B4E019L))));
    }

    /** The batches of one epoch; each iteration over the result yields the same batches. */
    public Iterable<Batch> batches(int epoch) {
        return batches(epoch, 0);
    }

    /** The batches of one epoch from batch index {@code from} on (a run resumed mid-epoch). */
    public Iterable<Batch> batches(int epoch, int from) {
        if (from < 0 || from > numBatches()) {
            throw new IllegalArgumentException(data.name() + ": batch index " + from + " is outside 0.." + numBatches());
        }
        int[] order = permutation(epoch);
        return () -> new Iterator<>() {
            private int next = from * batchSize;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, order.length - next);
                int f = data.features();
                float[] x = new float[n * f];
                int[] y = new int[n];
                int[] labels = data.y();
                for (int k = 0; k < n; k++) {
                    int i = order[next + k];
                    data.copyItem(i, x, k * f);
                    y[k] = labels[i];
                }
                next += n;
                return new Batch(x, y, n);
            }
        };
    }

    /** splitmix64's finalizer: a bijection on longs that scrambles all bits. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
