package org.hhnn.backend.cuda;

/**
 * The JNI entry points of the emulated device in libhhnn ({@code native/emu_*.cpp}): "device" memory is host memory
 * (addresses are host addresses), kernels are {@code kernels/*.cu} compiled for the host and found by index in the
 * registry {@code kernels/emu_shim.h} builds. Nothing here validates buffers; {@link CudaBackend} checks every
 * argument first, {@link EmulatedDevice} checks each launch's argument kinds against the kernel's signature.
 */
final class EmuNative {
    private EmuNative() {}

    // ---- memory (native/emu_memory.cpp) ----
    /** 256-byte-aligned bytes (> 0); throws OutOfMemoryError. */
    static native long alloc(long bytes);
    static native void free(long address);
    static native void memsetZero(long address, long bytes);
    static native void uploadFloats(float[] src, long dst);
    static native void uploadInts(int[] src, int count, long dst);
    static native void downloadFloats(long src, float[] dst);
    static native void downloadDoubles(long src, double[] dst);
    /** Non-overlapping ranges only (as cuMemcpyDtoD). */
    static native void copy(long src, long dst, long bytes);

    // ---- kernels (native/emu_launch.cpp) ----
    static native int kernelCount();
    static native String kernelName(int index);
    /** One letter per parameter: p pointer, i int, l 64-bit integer, f float, d double. */
    static native String kernelSignature(int index);
    /** Runs kernel index over grid x block threads (blocks in parallel); slots as {@link KernelArgs#slots()}. */
    static native void launch(int index, int grid, int block, long[] slots);

    // ---- cuBLAS (native/emu_gemm.cpp) ----
    /** cublasSgemm's column-major semantics, computed with OpenBLAS. */
    static native void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long a, int lda, long b, int ldb, float beta, long c, int ldc);
}
