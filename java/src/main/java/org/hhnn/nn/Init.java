package org.hhnn.nn;

import java.util.SplittableRandom;

/**
 * Weight initialisers, drawn on the host from a seeded {@link SplittableRandom} so that every
 * backend starts from the same bits.
 */
public final class Init {
    private Init() {}

    /** Uniform in [-bound, bound). */
    public static float[] uniform(SplittableRandom rng, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        return a;
    }

    /** He/Kaiming uniform for ReLU layers: bound = sqrt(6 / fanIn). */
    public static float[] kaimingUniform(SplittableRandom rng, int n, int fanIn) {
        return uniform(rng, n, Math.sqrt(6.0 / fanIn));
    }

    /** Glorot/Xavier uniform: bound = sqrt(6 / (fanIn + fanOut)). */
    public static float[] glorotUniform(SplittableRandom rng, int n, int fanIn, int fanOut) {
        return uniform(rng, n, Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    public static float[] constant(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
