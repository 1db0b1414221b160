// native/emu_gemm.cpp — the EmulatedDevice's cublasSgemm: column-major C = alpha op(A) op(B) + beta C with cuBLAS's
// argument rules (leading dimensions checked as cuBLAS does), computed by OpenBLAS cblas_sgemm. CudaBackend maps its
// row-major gemm onto this call (C^T = op(B)^T op(A)^T) exactly as it does onto the real cuBLAS.
// Java twin: org.hhnn.backend.cuda.EmuNative.gemm / JCudaDevice.gemm (JCublas2.cublasSgemm).
// Tested by: CudaEmulatedParityTest.gemm (all transposes, alpha/beta, NaN in C with beta = 0).
#include <cblas.h>
#include <algorithm>
#include <string>
#include "cpu_parallel.h"
#include "emu_jni.h"

using namespace hhnn;

HHNN_EMU_JNI(void, gemm)(JNIEnv* env, jclass, jboolean transA, jboolean transB, jint m, jint n, jint k, jfloat alpha,
                         jlong a, jint lda, jlong b, jint ldb, jfloat beta, jlong c, jint ldc) {
    guard(env, "cuda-emulated cublasSgemm", [&] {
        // cuBLAS returns CUBLAS_STATUS_INVALID_VALUE for these; here they become IllegalArgumentExceptions.
        if (m < 0 || n < 0 || k < 0) throw IllegalArgument("negative dimension");
        if (lda < std::max(1, transA ? k : m)) throw IllegalArgument("lda = " + std::to_string(lda) + " is too small");
        if (ldb < std::max(1, transB ? n : k)) throw IllegalArgument("ldb = " + std::to_string(ldb) + " is too small");
        if (ldc < std::max(1, m)) throw IllegalArgument("ldc = " + std::to_string(ldc) + " is too small");
        if (m == 0 || n == 0) return;
        float* C = static_cast<float*>(dp(c));
        if (k == 0) {   // C = beta C (beta = 0 writes zeros, as cuBLAS)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++) C[(long)j * ldc + i] = beta == 0.f ? 0.f : beta * C[(long)j * ldc + i];
            return;
        }
        sync_blas_threads();
        cblas_sgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, alpha,
                    static_cast<const float*>(dp(a)), lda, static_cast<const float*>(dp(b)), ldb, beta, C, ldc);
    });
}
