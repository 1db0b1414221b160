package org.hhnn.backend.cuda;

/**
 * The float64 reductions of kernels/reduce.cu on a device: stage 1 ({@code hhnn_reduce_partial_f32}: one double per
 * thread of {@link LaunchConfig#forCount}(n)), stage 2 ({@code hhnn_reduce_chunks_f64} over chunks of {@link #CHUNK},
 * until one double is left), then either downloaded ({@link #toHost}: sum, sumSquares) or written into a float on the
 * device ({@link #into}: {@code hhnn_reduce_finish_f32}). The terms are {@code a[i·aStep]·b[i·bStep]} for i < n, or
 * {@code a[i·aStep]} when b is 0 (null). The order of the additions depends on n only: repeatable bit for bit.
 *
 * <p>{@link #splits} says when a reduction that one thread per output would run serially (a column sum over a handful
 * of columns, a row sum over a handful of rows, the fallback gemm's few dot products) goes through here instead: a
 * GPU thread adds a few numbers per microsecond, so one row of B·M = 524,288 summed by one thread would take
 * milliseconds, while a handful of launches of this reduction take microseconds each.
 */
final class DeviceReduce {
    private DeviceReduce() {}

    /** Chunk of stage 2. */
    static final int CHUNK = 256;
    /** At most this many outputs, each of at least {@link #SPLIT_LENGTH} terms, go through this reduction. */
    static final int SPLIT_OUTPUTS = 8;
    static final long SPLIT_LENGTH = 16384;

    /** Whether outputs reductions of length terms each should go through here rather than one thread per output. */
    static boolean splits(long outputs, long length) { return outputs <= SPLIT_OUTPUTS && length >= SPLIT_LENGTH; }

    /** The reduction, downloaded (0 when n is 0). Addresses in bytes, steps in floats. */
    static double toHost(Device d, long a, long aStep, long b, long bStep, long n) {
        if (n == 0) return 0.0;
        long r = toDevice(d, a, aStep, b, bStep, n);
        try {
            double[] out = new double[1];
            d.download(r, out);
            return out[0];
        } finally {
            d.free(r);
        }
    }

    /** y[0] = alpha·(the reduction) + beta·y[0] on the device, rounded to float once (n >= 1; beta 0 never reads y). */
    static void into(Device d, long a, long aStep, long b, long bStep, long n, float alpha, float beta, long y) {
        long r = toDevice(d, a, aStep, b, bStep, n);
        try {
            d.launch("hhnn_reduce_finish_f32", LaunchConfig.forCount(1), KernelArgs.of().ptr(r).f32(alpha).f32(beta).ptr(y));
        } finally {
            d.free(r);
        }
    }

    // Stages 1 and 2: the address of one double holding the reduction (n >= 1), which the caller frees.
    private static long toDevice(Device d, long a, long aStep, long b, long bStep, long n) {
        LaunchConfig cfg = LaunchConfig.forCount(n);
        long len = cfg.threads();
        long cur = d.alloc(8 * len);   // (len) doubles
        try {
            d.launch("hhnn_reduce_partial_f32", cfg, KernelArgs.of().ptr(a).i64(aStep).ptr(b).i64(bStep).i64(n).ptr(cur));
            while (len > 1) {
                long chunks = (len + CHUNK - 1) / CHUNK;
                long next = d.alloc(8 * chunks);   // (chunks) doubles
                try {
                    d.launch("hhnn_reduce_chunks_f64", LaunchConfig.forCount(chunks), KernelArgs.of().ptr(cur).i64(len).i64(CHUNK).ptr(next));
                } catch (RuntimeException | Error e) {
                    d.free(next);
                    throw e;
                }
                d.free(cur);
                cur = next;
                len = chunks;
            }
            return cur;
        } catch (RuntimeException | Error e) {
            d.free(cur);
            throw e;
        }
    }
}
