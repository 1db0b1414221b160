// native/hostdrv/hostcublas.cpp — the cuBLAS stand-in of the host driver (libhhnn_hostcublas.so, soname
// libcublas.so.12, symbols versioned libcublas.so.12 as JCublas2's JNI library imports them): handles, streams, math
// and pointer modes, and cublasSgemm computed by OpenBLAS on the host driver's memory, after checking that each
// matrix, with its leading dimension, lies inside one live allocation. Loaded only beside the host driver
// (HostDriver.load). Every other cuBLAS function JCublas imports answers CUBLAS_STATUS_NOT_SUPPORTED.
// Java twin: JCudaDevice.gemm / setTf32. Tested by: the OnGpu parity runners (gemm cases), HostDriverTest.
#include <cblas.h>
#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include "hostdrv.h"

namespace {

enum : int { kOk = 0, kNotInitialized = 1, kInvalidValue = 7, kNotSupported = 15 };

struct Handle {
    CUstream stream = nullptr;
    int math_mode = 0;
    int pointer_mode = 0;   // 0: alpha and beta in host memory
};

std::mutex g_mutex;
std::set<Handle*> g_handles;

Handle* live(void* h) {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_handles.count(static_cast<Handle*>(h)) ? static_cast<Handle*>(h) : nullptr;
}

int invalid(const std::string& why) {
    hhnn_hostdrv_fail(why.c_str());
    return kInvalidValue;
}

// Bytes a column-major rows x cols matrix with leading dimension ld spans.
size_t span(int rows, int cols, int ld) { return ((size_t)(cols - 1) * (size_t)ld + (size_t)rows) * sizeof(float); }

}  // namespace

HOSTDRV_API int cublasCreate_v2(void** handle) {
    if (handle == nullptr) return kInvalidValue;
    Handle* h = new Handle();
    std::lock_guard<std::mutex> lock(g_mutex);
    g_handles.insert(h);
    *handle = h;
    return kOk;
}

HOSTDRV_API int cublasDestroy_v2(void* handle) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_handles.erase(static_cast<Handle*>(handle)) == 0) return kNotInitialized;
    delete static_cast<Handle*>(handle);
    return kOk;
}

HOSTDRV_API int cublasSetStream_v2(void* handle, CUstream stream) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    if (reinterpret_cast<uintptr_t>(stream) > 2) return invalid("cublasSetStream: the host driver has only the default streams");
    h->stream = stream;
    return kOk;
}

HOSTDRV_API int cublasGetStream_v2(void* handle, CUstream* stream) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    if (stream == nullptr) return kInvalidValue;
    *stream = h->stream;
    return kOk;
}

HOSTDRV_API int cublasSetMathMode(void* handle, int mode) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    h->math_mode = mode;   // TF32 (3) is accepted; the product stays float32
    return kOk;
}

HOSTDRV_API int cublasGetMathMode(void* handle, int* mode) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    if (mode == nullptr) return kInvalidValue;
    *mode = h->math_mode;
    return kOk;
}

HOSTDRV_API int cublasSetPointerMode_v2(void* handle, int mode) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    if (mode != 0) return invalid("cublasSetPointerMode: the stand-in takes alpha and beta from host memory only");
    h->pointer_mode = mode;
    return kOk;
}

HOSTDRV_API int cublasGetPointerMode_v2(void* handle, int* mode) {
    Handle* h = live(handle);
    if (h == nullptr) return kNotInitialized;
    if (mode == nullptr) return kInvalidValue;
    *mode = h->pointer_mode;
    return kOk;
}

HOSTDRV_API int cublasGetVersion_v2(void* handle, int* version) {
    if (live(handle) == nullptr) return kNotInitialized;
    if (version == nullptr) return kInvalidValue;
    *version = 120600;
    return kOk;
}

HOSTDRV_API const char* cublasGetStatusName(int status) {
    switch (status) {
        case kOk: return "CUBLAS_STATUS_SUCCESS";
        case kNotInitialized: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case kInvalidValue: return "CUBLAS_STATUS_INVALID_VALUE";
        case kNotSupported: return "CUBLAS_STATUS_NOT_SUPPORTED";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

HOSTDRV_API const char* cublasGetStatusString(int status) { return cublasGetStatusName(status); }

// cublasSgemm: column-major C = alpha op(A) op(B) + beta C; beta = 0 ignores C's contents (OpenBLAS writes zeros).
HOSTDRV_API int cublasSgemm_v2(void* handle, int transa, int transb, int m, int n, int k, const float* alpha, const float* A,
                               int lda, const float* B, int ldb, const float* beta, float* C, int ldc) {
    if (live(handle) == nullptr) return kNotInitialized;
    if (transa < 0 || transa > 1 || transb < 0 || transb > 1) return invalid("cublasSgemm: only CUBLAS_OP_N and CUBLAS_OP_T");
    if (m < 0 || n < 0 || k < 0) return invalid("cublasSgemm: negative dimension");
    int arows = transa ? k : m, acols = transa ? m : k, brows = transb ? n : k, bcols = transb ? k : n;
    if (lda < std::max(1, arows) || ldb < std::max(1, brows) || ldc < std::max(1, m))
        return invalid("cublasSgemm: a leading dimension is smaller than its matrix's rows (lda " + std::to_string(lda) + ", ldb "
                       + std::to_string(ldb) + ", ldc " + std::to_string(ldc) + ")");
    if (alpha == nullptr || beta == nullptr) return invalid("cublasSgemm: null alpha or beta");
    if (m == 0 || n == 0) return kOk;
    if (!hhnn_hostdrv_check_range((uintptr_t)C, span(m, n, ldc), "cublasSgemm C")) return kInvalidValue;
    if (k == 0 || *alpha == 0.f) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) C[(size_t)j * ldc + i] = *beta == 0.f ? 0.f : *beta * C[(size_t)j * ldc + i];
        return kOk;
    }
    if (!hhnn_hostdrv_check_range((uintptr_t)A, span(arows, acols, lda), "cublasSgemm A")
        || !hhnn_hostdrv_check_range((uintptr_t)B, span(brows, bcols, ldb), "cublasSgemm B"))
        return kInvalidValue;
    cblas_sgemm(CblasColMajor, transa ? CblasTrans : CblasNoTrans, transb ? CblasTrans : CblasNoTrans, m, n, k, *alpha, A, lda,
                B, ldb, *beta, C, ldc);
    return kOk;
}

#define HOSTBLAS_UNSUPPORTED(name)                                                   \
    HOSTDRV_API int name() {                                                         \
        hhnn_hostdrv_fail(#name " is not implemented by the hhnn cuBLAS stand-in"); \
        return kNotSupported;                                                        \
    }
#include "cublas_unsupported.inc"
#undef HOSTBLAS_UNSUPPORTED
