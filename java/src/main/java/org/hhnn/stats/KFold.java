package org.hhnn.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded k-fold cross-validation: the indices 0..n-1 are shuffled (Fisher–Yates driven by
 * {@code new SplittableRandom(seed)}) and cut into k folds whose sizes differ by at most one;
 * fold i tests on its own indices and trains on all the others. Every index is tested exactly once.
 */
public final class KFold {
    private KFold() {}

    /** One fold's train and test indices, each sorted ascending. */
    public record Fold(int[] train, int[] test) {}

    public static List<Fold> split(int n, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("k-fold cross-validation needs k >= 2, got " + k);
        }
        if (n < k) {
            throw new IllegalArgumentException(k + "-fold cross-validation needs at least " + k + " items, got " + n);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        List<Fold> folds = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            // Boundaries at f·n/k: fold sizes differ by at most one.
            int from = (int) ((long) f * n / k), to = (int) ((long) (f + 1) * n / k);
            int[] test = Arrays.copyOfRange(perm, from, to);
            int[] train = new int[n - test.length];
            System.arraycopy(perm, 0, train, 0, from);
            System.arraycopy(perm, to, train, from, n - to);
            Arrays.sort(test);
            Arrays.sort(train);
            folds.add(new Fold(train, test));
        }
        return folds;
    }
}
