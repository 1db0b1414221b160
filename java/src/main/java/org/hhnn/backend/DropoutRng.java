package org.hhnn.backend;

/**
 * The counter-based uniform generator dropout uses on every backend (splitmix64 finaliser of
 * seed + (i+1)·golden-gamma, top 24 bits). Being a pure function of (seed, i) it gives the same
 * mask on the reference, the cpu backend and a GPU, whatever the thread layout.
 * Twin: {@code hhnn_uniform} in {@code kernels/random.cuh}.
 */
public final class DropoutRng {
    private DropoutRng() {}

    /**
     * The seed whose stream starts {@code offset} draws into seed's: uniform(at(seed, o), i) == uniform(seed, o + i).
     * A data-parallel rank holding rows r.. of a batch draws its mask with at(seed, r · elements per row), so the
     * mask of each sample is the one a single process gives it.
     */
    public static long at(long seed, long offset) { return seed + offset * 0x9E3779B97F4A7C15L; }

    public static float uniform(long seed, long i) {
        long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 40) * 0x1.0p-24f;
    }
}
