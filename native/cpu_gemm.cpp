// native/cpu_gemm.cpp — C = alpha op(A) op(B) + beta C, row-major, through OpenBLAS cblas_sgemm.
// Java twin: CpuBackend.gemm / ReferenceBackend.gemm.
// Tested by: CpuParityTest.gemm (all four transpose combinations, alpha/beta variants, NaN in C with beta = 0).
#include <cblas.h>
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

HHNN_JNI(void, gemm)(JNIEnv* env, jobject, jboolean transA, jboolean transB, jint m, jint n, jint k,
                     jfloat alpha, jlong a, jlong b, jfloat beta, jlong c) {
    guard(env, "gemm", [&] {
        float* C = fp(c);   // (m, n)
        if (m == 0 || n == 0) return;
        if (k == 0) {
            // An empty product: C = beta C. Done here because BLAS rejects a leading dimension of 0.
            long mn = (long)m * n;
            for_chunks(mn, [=](long lo, long hi) {
#pragma omp simd
                for (long i = lo; i < hi; i++) C[i] = beta == 0.f ? 0.f : beta * C[i];
            });
            return;
        }
        // Row-major leading dimensions of the stored matrices: A (m, k) or (k, m); B (k, n) or (n, k).
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        sync_blas_threads(gemm_threads(m, n, k));
        // BLAS treats beta = 0 as "C is write-only": NaN in C is ignored, as the contract requires.
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, fp(a), lda, fp(b), ldb, beta, C, n);
    });
}
