package org.hhnn.backend.cuda;

/**
 * cublasSgemm's column-major call run by the {@code hhnn_gemm_f32} kernel (kernels/gemm.cu): what
 * {@link JCudaDevice} does when JCublas cannot load (e.g. no libcublas.so.12 beside a CUDA 13 driver), and what
 * {@link EmulatedDevice#EmulatedDevice(boolean)} can do so that CI runs that kernel too. One thread per element
 * of C, no tiling: correct everywhere, far from cuBLAS's speed.
 */
final class GemmKernel {
    private GemmKernel() {}

    static void launch(Device d, boolean transA, boolean transB, int m, int n, int k, float alpha,
                       long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm: negative dimension");
        if (m == 0 || n == 0) return;
        if (DeviceReduce.splits((long) m * n, k)) {   // a few long dot products: one thread each would run them serially
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++)
                    DeviceReduce.into(d, a + 4L * (transA ? (long) i * lda : i), transA ? 1 : lda,
                            b + 4L * (transB ? j : (long) j * ldb), transB ? ldb : 1, k, alpha, beta, c + 4L * (i + (long) j * ldc));
            return;
        }
        d.launch("hhnn_gemm_f32", LaunchConfig.forCount((long) m * n), KernelArgs.of()
                .i32(transA).i32(transB).i32(m).i32(n).i32(k).f32(alpha)
                .ptr(a).i32(lda).ptr(b).i32(ldb).f32(beta).ptr(c).i32(ldc));
    }
}
