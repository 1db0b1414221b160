package org.hhnn.backend.cuda;

/**
 * A 1-D launch configuration: {@code grid} blocks of {@code block} threads. Every launch of the cuda backend gets
 * its configuration here, from the number of independent work items (elements, rows, columns or neurons): blocks of
 * {@link #BLOCK} threads, as many as cover the items, capped at {@link #MAX_GRID}. Every kernel loops grid-stride
 * ({@code HHNN_GRID_STRIDE} in kernels/emu_shim.h), so any grid covers any count. The configuration depends on the
 * count only, never on the device, which keeps the float64 reductions' order (and so their bits) the same on the
 * GPU and on the emulator.
 */
public record LaunchConfig(int grid, int block) {

    /** Threads per block; kernels declare it as {@code __launch_bounds__(HHNN_BLOCK)} (kernels/emu_shim.h). */
    public static final int BLOCK = 256;

    /**
     * At most this many blocks: 2^21 threads, about 8 waves of an H100's 132 SMs x 2048 resident threads, enough to
     * hide memory latency; larger counts are covered by the grid-stride loop.
     */
    public static final int MAX_GRID = 8192;

    public LaunchConfig {
        if (grid < 1 || block < 1) throw new IllegalArgumentException("launch configuration needs grid, block >= 1, got " + grid + " x " + block);
    }

    /** The configuration for count independent items (count >= 1). */
    public static LaunchConfig forCount(long count) {
        if (count < 1) throw new IllegalArgumentException("a launch needs at least one item, got " + count);
        long blocks = (count + BLOCK - 1) / BLOCK;
        return new LaunchConfig((int) Math.min(blocks, MAX_GRID), BLOCK);
    }

    /** grid x block. */
    public long threads() { return (long) grid * block; }
}
