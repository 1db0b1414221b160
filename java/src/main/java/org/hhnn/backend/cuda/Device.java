package org.hhnn.backend.cuda;

/**
 * What {@link CudaBackend} needs from a GPU, and nothing more: memory, copies, kernel launches by name, cuBLAS's
 * sgemm. Two implementations: {@link JCudaDevice} (a real GPU through JCuda) and {@link EmulatedDevice} (the same
 * kernels compiled for the host). Addresses are device addresses as longs; sizes are in bytes. Work is ordered as on
 * one CUDA stream: a call sees the effects of every earlier call, and downloads wait for them.
 */
public interface Device {

    /** The backend name this device serves: "cuda" or "cuda-emulated". */
    String name();

    /** One line: what runs the kernels (GPU name, compute capability, memory, driver; or the host emulation). */
    String describe();

    /** At least bytes of device memory, 256-byte aligned, contents undefined (cached: see {@link AbstractDevice}). */
    long alloc(long bytes);

    /** Returns memory from {@link #alloc} (to the cache). */
    void free(long address);

    void memsetZero(long address, long bytes);

    /** dst[0 .. src.length) = src (floats). */
    void upload(float[] src, long dst);

    /** dst[0 .. count) = src[0 .. count) (ints). */
    void upload(int[] src, int count, long dst);

    /** dst = the dst.length floats at src. */
    void download(long src, float[] dst);

    /** dst = the dst.length doubles at src. */
    void download(long src, double[] dst);

    /** Device-to-device copy of bytes; the ranges must not overlap. */
    void copy(long src, long dst, long bytes);

    /** Launches kernels/*.cu's extern "C" kernel called name over cfg with args (kinds as its parameters). */
    void launch(String kernel, LaunchConfig cfg, KernelArgs args);

    /**
     * cublasSgemm, column-major: C = alpha op(A) op(B) + beta C with op(A) m x k, op(B) k x n, C m x n and the
     * leading dimensions as cuBLAS takes them. beta = 0 ignores C's contents.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              long a, int lda, long b, int ldb, float beta, long c, int ldc);

    /** Lets gemm use TF32 tensor cores (10-bit mantissa inputs, float32 accumulation); off by default. */
    void setTf32(boolean on);

    boolean tf32();

    /** Waits until all work issued so far has finished (and reports its errors). */
    void synchronize();

    /** Bytes held in the allocation cache, free for reuse. */
    long cachedBytes();

    /** Releases every cached block to the driver (or the host allocator). */
    void emptyCache();
}
