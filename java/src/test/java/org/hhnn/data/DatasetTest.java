package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    /**
     * n items of 2 features: item i is (i, -i) with label i % classes, so any derived dataset or
     * batch reveals which original items it holds.
     */
    private static Dataset numbered(int n, int classes) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % classes;
        }
        return new Dataset("numbered", x, y, new int[] {2}, classes, null);
    }

    /** Original indices of a derived dataset's items, checking features and labels agree. */
    private static void assertSizes(Dataset.Split s, int train, int validation, String why) {
        assertEquals(train, s.train().size(), "training part: " + why);
        assertEquals(validation, s.validation().size(), "validation part: " + why);
    }

    private static int[] ids(Dataset d) {
        int[] ids = new int[d.size()];
        for (int k = 0; k < d.size(); k++) {
            ids[k] = (int) d.x()[2 * k];
            assertEquals(-ids[k], d.x()[2 * k + 1]);
            assertEquals(ids[k] % d.numClasses(), d.y()[k]);
        }
        return ids;
    }

    private static int[] batchIds(Batcher.Batch b) {
        int[] ids = new int[b.size()];
        assertEquals(2 * b.size(), b.x().length);
        assertEquals(b.size(), b.y().length);
        for (int k = 0; k < b.size(); k++) {
            ids[k] = (int) b.x()[2 * k];
            assertEquals(ids[k] % 7, b.y()[k]);
        }
        return ids;
    }

    private static int[] epochOrder(Batcher batcher, int epoch) {
        List<Integer> order = new ArrayList<>();
        for (Batcher.Batch b : batcher.batches(epoch)) {
            for (int id : batchIds(b)) {
                order.add(id);
            }
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e.getMessage());
        }
    }

    @Test
    void constructorValidatesWithClearMessages() {
        assertMessage(() -> new Dataset("d", new float[4], new int[] {0, 3}, new int[] {2}, 3, null),
                "d: label 3 at index 1 is outside 0..2");
        assertMessage(() -> new Dataset("d", new float[4], new int[] {-1, 0}, new int[] {2}, 3, null),
                "label -1 at index 0");
        assertMessage(() -> new Dataset("d", new float[5], new int[] {0, 1}, new int[] {2}, 3, null),
                "x has 5 floats", "need 4");
        float[] nan = new float[4];
        nan[3] = Float.NaN;
        assertMessage(() -> new Dataset("d", nan, new int[] {0, 1}, new int[] {2}, 3, null),
                "feature 1 of item 1 is NaN");
        assertMessage(() -> new Dataset("d", new float[4], new int[] {0, 1}, new int[] {2}, 3, new String[] {"a"}),
                "1 class names for 3 classes");
        assertMessage(() -> new Dataset("d", new float[0], new int[0], new int[] {0}, 3, null), "below 1");
    }

    @Test
    void accessorsSubsetTakeLimit() {
        Dataset d = numbered(10, 3);
        assertEquals(10, d.size());
        assertEquals(2, d.features());
        assertArrayEquals(new int[] {2, 3, 4}, ids(d.subset(2, 5)));
        assertEquals(0, d.subset(4, 4).size());
        assertArrayEquals(new int[] {9, 0, 9, 4}, ids(d.take(new int[] {9, 0, 9, 4})));
        assertArrayEquals(new int[] {0, 1, 2}, ids(d.limit(3)));
        assertSame(d, d.limit(10));
        assertSame(d, d.limit(1000));
        assertMessage(() -> d.subset(5, 11), "subset [5, 11) is not within [0, 10)");
        assertMessage(() -> d.take(new int[] {1, 10}), "index 10 at position 1 is outside 0..9");
        assertMessage(() -> d.limit(-1), "limit must be >= 0");
        Dataset flat = numbered(4, 2).withFeatureShape(1, 2);
        assertArrayEquals(new int[] {1, 2}, flat.featureShape());
        assertMessage(() -> d.withFeatureShape(3), "cannot view features [2] as [3]");
    }

    @Test
    void splitSizesDisjointnessAndCoverage() {
        Dataset d = numbered(100, 7);
        Dataset.Split s = d.split(0.2, 42);
        assertSizes(s, 80, 20, "a fifth held out");
        int[] all = new int[100];
        for (int id : ids(s.train())) {
            all[id]++;
        }
        for (int id : ids(s.validation())) {
            all[id]++;
        }
        int[] ones = new int[100];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, all, "every item lands in exactly one part");
        assertSizes(numbered(3, 2).split(0.01, 1), 2, 1, "validation keeps at least one item");
        assertSizes(numbered(3, 2).split(0.99, 1), 1, 2, "training keeps at least one item");
    }

    @Test
    void splitIsDeterministicPerSeed() {
        Dataset d = numbered(100, 7);
        assertArrayEquals(ids(d.split(0.25, 7).validation()), ids(d.split(0.25, 7).validation()));
        assertArrayEquals(ids(d.split(0.25, 7).train()), ids(d.split(0.25, 7).train()));
        assertFalse(Arrays.equals(ids(d.split(0.25, 7).validation()), ids(d.split(0.25, 8).validation())));
        int[] v = ids(d.split(0.25, 7).validation());
        int[] sorted = v.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, v, "parts keep the original order");
    }

    @Test
    void splitEdgeCases() {
        Dataset d = numbered(10, 2);
        Dataset.Split none = d.split(0, 1);
        assertSizes(none, 10, 0, "nothing held out");
        assertArrayEquals(ids(d), ids(none.train()));
        assertSizes(numbered(1, 2).split(0.5, 1), 1, 0, "training keeps at least one item");
        assertMessage(() -> d.split(1, 1), "validation fraction must be in [0, 1), got 1.0");
        assertMessage(() -> d.split(-0.1, 1), "must be in [0, 1)");
        assertMessage(() -> d.split(Double.NaN, 1), "must be in [0, 1)");
    }

    @Test
    void batcherCoversEveryIndexOncePerEpochWithPartialLastBatch() {
        Dataset d = numbered(103, 7);
        Batcher b = new Batcher(d, 10, true, 123);
        assertEquals(11, b.numBatches());
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Integer> sizes = new ArrayList<>();
            for (Batcher.Batch batch : b.batches(epoch)) {
                sizes.add(batch.size());
            }
            assertEquals(11, sizes.size());
            assertEquals(10, sizes.get(0));
            assertEquals(3, sizes.get(10), "the last partial batch is included");
            int[] order = epochOrder(b, epoch);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            int[] identity = new int[103];
            Arrays.setAll(identity, i -> i);
            assertArrayEquals(identity, sorted, "epoch " + epoch + " visits every item exactly once");
            assertArrayEquals(b.permutation(epoch), order);
        }
    }

    @Test
    void batcherOrderDependsOnlyOnSeedAndEpoch() {
        Dataset d = numbered(200, 7);
        Batcher a = new Batcher(d, 32, true, 5);
        Batcher resumed = new Batcher(d, 32, true, 5);
        int[] e0 = epochOrder(a, 0);
        int[] e1 = epochOrder(a, 1);
        assertFalse(Arrays.equals(e0, e1), "epochs are shuffled differently");
        // a fresh Batcher asked straight for epoch 1 (a resumed run) sees what the first saw
        assertArrayEquals(e1, epochOrder(resumed, 1));
        assertArrayEquals(e0, epochOrder(resumed, 0));
        assertArrayEquals(e1, epochOrder(a, 1), "iterating again gives the same batches");
        assertFalse(Arrays.equals(e0, epochOrder(new Batcher(d, 32, true, 6), 0)), "seeds matter");
        int[] identity = new int[200];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, e0));
    }

    @Test
    void batcherWithoutShuffleKeepsOrder() {
        Dataset d = numbered(25, 7);
        Batcher b = new Batcher(d, 25, false, 0);
        assertEquals(1, b.numBatches());
        int[] identity = new int[25];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, epochOrder(b, 0));
        assertArrayEquals(identity, epochOrder(b, 9));
        assertEquals(3, new Batcher(d, 12, false, 0).numBatches());
        assertEquals(0, new Batcher(d.subset(0, 0), 4, true, 0).numBatches());
        assertMessage(() -> new Batcher(d, 0, true, 0), "batch size must be at least 1");
        assertMessage(() -> b.permutation(-1), "epoch must be >= 0");
    }
}
