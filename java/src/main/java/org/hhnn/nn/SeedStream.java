package org.hhnn.nn;

/**
 * Per-model source of dropout seeds: seed i is a hash of (base seed, i). Its counter is saved in
 * checkpoints so that a resumed run draws the same masks as an uninterrupted one. The sample offset is
 * where this process's rows start in the global batch (0 in a single process; a data-parallel rank's
 * shard start), so dropout masks are keyed by the global sample index.
 */
public final class SeedStream {
    private final long base;
    private long counter;
    private long sampleOffset;

    public SeedStream(long base) { this.base = base; }

    public long next() {
        long z = base * 0x9E3779B97F4A7C15L + (++counter);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    public long counter() { return counter; }
    public long sampleOffset() { return sampleOffset; }
    public void setSampleOffset(long rows) { sampleOffset = rows; }
    public void setCounter(long c) { counter = c; }
}
