// kernels/gemm.cu — the fallback sgemm: cublasSgemm's column-major call as a plain kernel, one thread per element of C.
// JCudaDevice runs it only when JCublas cannot load (e.g. no libcublas.so.12); CudaBackend's gemm is cuBLAS otherwise.
// Semantics: cublasSgemm (column-major C = alpha op(A) op(B) + beta C; beta = 0 never reads C), which CudaBackend
// maps its row-major gemm onto (C^T = op(B)^T op(A)^T). Twins: native/emu_gemm.cpp (the emulator's cuBLAS, via
// OpenBLAS), native/cpu_gemm.cpp, ReferenceBackend.gemm.
// Tested by: CudaEmulatedParityTest.gemmThroughTheFallbackKernel
// (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
// No tiling (a tiled gemm needs shared memory and barriers, which the emulator cannot run): correct, not fast.
#include "emu_shim.h"

// C[i + j ldc] = alpha sum_p opA(i, p) opB(p, j) + beta C[i + j ldc], summed in float in p order.
// A (lda, transA ? m : k) column-major; B (ldb, transB ? k : n); C (ldc, n). One thread per (i, j), i fastest.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_gemm_f32(int transA, int transB, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
              float beta, float* c, int ldc) {
    HHNN_GRID_STRIDE(t, (long)m * n) {
        long i = t % m, j = t / m;
        // opA(i, p) = transA ? A[p + i lda] : A[i + p lda]; opB(p, j) = transB ? B[j + p ldb] : B[p + j ldb]
        long aStep = transA ? 1 : lda, bStep = transB ? ldb : 1;
        const float* ap = a + (transA ? i * lda : i);
        const float* bp = b + (transB ? j : j * ldb);
        float s = 0.f;
        for (int p = 0; p < k; p++) s += ap[p * aStep] * bp[p * bStep];
        float* cp = c + i + j * ldc;
        *cp = beta == 0.f ? alpha * s : alpha * s + beta * *cp;
    }
}
HHNN_REGISTER(hhnn_gemm_f32)
