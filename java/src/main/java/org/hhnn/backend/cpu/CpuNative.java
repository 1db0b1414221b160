package org.hhnn.backend.cpu;

/**
 * The JNI entry points of libhhnn ({@code native/*.cpp}), one per primitive: addresses are the
 * {@link NativeBuffer#address} of each buffer, sizes are in floats. Nothing here validates anything;
 * {@link CpuBackend} checks every argument first so native code never reads or writes out of bounds.
 * Native errors arrive as Java exceptions (IllegalArgumentException, OutOfMemoryError, RuntimeException).
 */
final class CpuNative {
    private CpuNative() {}

    // ---- runtime (native/cpu_runtime.cpp) ----
    static native void setThreads(int n);
    static native int threads();
    static native String blasInfo();
    /** Runs a tiny sgemm and an OpenMP reduction; null when both are right, else what went wrong. */
    static native String probe();

    // ---- memory (native/cpu_memory.cpp) ----
    /** 64-byte-aligned, zero-filled n floats; throws OutOfMemoryError. */
    static native long alloc(long n, boolean zero);
    /** n: the length alloc was given (large blocks are kept for reuse by size). */
    static native void free(long address, long n);
    static native void upload(float[] src, long dst);
    static native void download(long src, float[] dst);
    static native void copy(long src, long srcOff, long dst, long dstOff, long n);
    static native void fill(long dst, float value, long n);

    // ---- linear algebra (native/cpu_gemm.cpp, native/cpu_elementwise.cpp) ----
    static native void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, long a, long b, float beta, long c);
    static native void addBias(long x, long bias, long y, int rows, int cols);
    static native void sumRows(long x, long y, int rows, int cols, float beta);
    static native void sumCols(long x, long y, int rows, int cols, float beta);

    // ---- elementwise (native/cpu_elementwise.cpp) ----
    static native void unary(int op, long x, long y, long n);
    static native void unaryBackward(int op, long x, long y, long dy, long dx, long n);
    static native void binary(int op, long a, long b, long out, long n);
    static native void axpby(float alpha, long x, float beta, long y, long n);
    static native double sumSquares(long x, long n);
    static native double sum(long x, long n);

    // ---- losses and regularisation (native/cpu_loss.cpp) ----
    static native void softmaxCrossEntropy(long logits, int[] labels, long probs, long loss, int rows, int cols);
    static native void softmaxCrossEntropyBackward(long probs, int[] labels, float scale, long dlogits, int rows, int cols);
    static native void dropout(long x, long mask, long y, float p, long seed, long n);
    static native void layerNorm(long x, long gamma, long beta, long y, long mean, long rstd,
                                 int rows, int cols, float eps);
    static native void layerNormBackward(long x, long gamma, long mean, long rstd, long dy,
                                         long dx, long dgamma, long dbeta, int rows, int cols);

    // ---- optimizers (native/cpu_optim.cpp) ----
    static native void sgdUpdate(long param, long grad, long velocity, long n,
                                 float lr, float momentum, float weightDecay, boolean nesterov);
    static native void adamUpdate(long param, long grad, long m, long v, long n,
                                  float lr, float beta1, float beta2, float eps, float weightDecay,
                                  boolean decoupled, int step);
}
