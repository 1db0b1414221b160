// native/hostdrv/hostdrv_context.cpp — the host driver's initialisation, its one device (the host CPU, with an sm_90
// GPU's launch limits), the primary context and which thread has it current, error names and strings, the last
// failure's reason for Java, and CUDA_ERROR_NOT_SUPPORTED for every other driver function JCuda imports.
// Java twin: org.hhnn.backend.cuda.HostDriver. Tested by: HostDriverTest.
#include <jni.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <atomic>
#include <mutex>
#include "hostdrv.h"

struct HostCtx {
    std::atomic<int> refs{0};
};

namespace hostdrv {

static std::atomic<bool> g_initialized{false};
static HostCtx g_primary;
static thread_local CUcontext t_current = nullptr;
static thread_local std::string t_last_error;

CUresult fail(CUresult code, const std::string& why) {
    t_last_error = why;
    static const bool verbose = getenv("HHNN_HOSTDRV_VERBOSE") != nullptr;
    if (verbose) fprintf(stderr, "hhnn host driver: %s\n", why.c_str());
    return code;
}

CUresult need_context(const char* call) {
    if (!g_initialized.load()) return fail(kNotInitialized, std::string(call) + " before cuInit");
    if (t_current == nullptr)
        return fail(kInvalidContext, std::string(call) + " on a thread with no current context (cuCtxSetCurrent was not called on it)");
    return kSuccess;
}

static CUresult need_device(CUdevice dev, const char* call) {
    if (!g_initialized.load()) return fail(kNotInitialized, std::string(call) + " before cuInit");
    if (dev != 0) return fail(kInvalidDevice, std::string(call) + ": no device " + std::to_string(dev) + " (the host driver has device 0 only)");
    return kSuccess;
}

struct ErrorText {
    CUresult code;
    const char* name;
    const char* text;
};
static const ErrorText kErrors[] = {
    {kSuccess, "CUDA_SUCCESS", "no error"},
    {kInvalidValue, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {kOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {kNotInitialized, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {kNoDevice, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {kInvalidImage, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {kInvalidContext, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {kNoBinaryForGpu, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"},
    {kInvalidPtx, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {kNotFound, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {kIllegalAddress, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {kLaunchOutOfResources, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"},
    {kNotSupported, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {kUnknown, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

static const ErrorText* error_text(CUresult code) {
    for (const ErrorText& e : kErrors)
        if (e.code == code) return &e;
    return nullptr;
}

}  // namespace hostdrv

using namespace hostdrv;

HOSTDRV_API CUresult cuInit(unsigned int flags) {
    if (flags != 0) return fail(kInvalidValue, "cuInit: flags must be 0");
    g_initialized.store(true);
    return kSuccess;
}

// 12060: the CUDA version JCuda 12.6 was built against.
HOSTDRV_API CUresult cuDriverGetVersion(int* version) {
    if (version == nullptr) return fail(kInvalidValue, "cuDriverGetVersion: null pointer");
    *version = 12060;
    return kSuccess;
}

HOSTDRV_API CUresult cuDeviceGetCount(int* count) {
    if (!g_initialized.load()) return fail(kNotInitialized, "cuDeviceGetCount before cuInit");
    if (count == nullptr) return fail(kInvalidValue, "cuDeviceGetCount: null pointer");
    *count = 1;
    return kSuccess;
}

HOSTDRV_API CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (CUresult r = need_device(ordinal, "cuDeviceGet")) return r;
    if (device == nullptr) return fail(kInvalidValue, "cuDeviceGet: null pointer");
    *device = ordinal;
    return kSuccess;
}

HOSTDRV_API CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDeviceGetName")) return r;
    if (name == nullptr || len <= 0) return fail(kInvalidValue, "cuDeviceGetName: no room for the name");
    snprintf(name, (size_t)len, "hhnn host driver (kernels on the CPU)");
    return kSuccess;
}

HOSTDRV_API CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDeviceGetAttribute")) return r;
    if (value == nullptr) return fail(kInvalidValue, "cuDeviceGetAttribute: null pointer");
    switch (attribute) {   // CUdevice_attribute numbers
        case 1: *value = kMaxThreadsPerBlock; return kSuccess;
        case 2: case 3: case 4: *value = kMaxBlockDim[attribute - 2]; return kSuccess;
        case 5: case 6: case 7: *value = kMaxGridDim[attribute - 5]; return kSuccess;
        case 8: *value = kMaxSharedPerBlock; return kSuccess;
        case 10: *value = 32; return kSuccess;                // warp size
        case 16: *value = omp_get_num_procs(); return kSuccess;   // "multiprocessors": the host's cores
        case 75: *value = 9; return kSuccess;                 // compute capability 9.0
        case 76: *value = 0; return kSuccess;
        default:
            return fail(kNotSupported, "cuDeviceGetAttribute: attribute " + std::to_string(attribute) + " is not modelled by the host driver");
    }
}

HOSTDRV_API CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDeviceComputeCapability")) return r;
    if (major == nullptr || minor == nullptr) return fail(kInvalidValue, "cuDeviceComputeCapability: null pointer");
    *major = 9;
    *minor = 0;
    return kSuccess;
}

HOSTDRV_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDeviceTotalMem")) return r;
    if (bytes == nullptr) return fail(kInvalidValue, "cuDeviceTotalMem: null pointer");
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    *bytes = pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
    return kSuccess;
}

HOSTDRV_API CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDevicePrimaryCtxRetain")) return r;
    if (ctx == nullptr) return fail(kInvalidValue, "cuDevicePrimaryCtxRetain: null pointer");
    g_primary.refs++;
    *ctx = &g_primary;
    return kSuccess;
}

HOSTDRV_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
    if (CUresult r = need_device(dev, "cuDevicePrimaryCtxRelease")) return r;
    if (g_primary.refs.load() <= 0) return fail(kInvalidContext, "cuDevicePrimaryCtxRelease: the primary context was not retained");
    g_primary.refs--;
    return kSuccess;
}

HOSTDRV_API CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int* flags, int* active) {
    if (CUresult r = need_device(dev, "cuDevicePrimaryCtxGetState")) return r;
    if (flags == nullptr || active == nullptr) return fail(kInvalidValue, "cuDevicePrimaryCtxGetState: null pointer");
    *flags = 0;
    *active = g_primary.refs.load() > 0;
    return kSuccess;
}

HOSTDRV_API CUresult cuCtxSetCurrent(CUcontext ctx) {
    if (!g_initialized.load()) return fail(kNotInitialized, "cuCtxSetCurrent before cuInit");
    if (ctx != nullptr && (ctx != &g_primary || g_primary.refs.load() <= 0))
        return fail(kInvalidContext, "cuCtxSetCurrent: not a retained context of this driver");
    t_current = ctx;
    return kSuccess;
}

HOSTDRV_API CUresult cuCtxGetCurrent(CUcontext* ctx) {
    if (!g_initialized.load()) return fail(kNotInitialized, "cuCtxGetCurrent before cuInit");
    if (ctx == nullptr) return fail(kInvalidValue, "cuCtxGetCurrent: null pointer");
    *ctx = t_current;
    return kSuccess;
}

HOSTDRV_API CUresult cuCtxGetDevice(CUdevice* dev) {
    if (CUresult r = need_context("cuCtxGetDevice")) return r;
    if (dev == nullptr) return fail(kInvalidValue, "cuCtxGetDevice: null pointer");
    *dev = 0;
    return kSuccess;
}

// Every call runs to completion before it returns, so synchronising only checks the context.
HOSTDRV_API CUresult cuCtxSynchronize() { return need_context("cuCtxSynchronize"); }

HOSTDRV_API CUresult cuStreamSynchronize(CUstream stream) {
    if (CUresult r = need_context("cuStreamSynchronize")) return r;
    uintptr_t s = reinterpret_cast<uintptr_t>(stream);
    if (s > 2) return fail(kInvalidHandle, "cuStreamSynchronize: the host driver has only the default streams");
    return kSuccess;
}

HOSTDRV_API CUresult cuGetErrorName(CUresult code, const char** name) {
    if (name == nullptr) return kInvalidValue;
    const ErrorText* e = error_text(code);
    *name = e ? e->name : nullptr;
    return e ? kSuccess : kInvalidValue;
}

HOSTDRV_API CUresult cuGetErrorString(CUresult code, const char** text) {
    if (text == nullptr) return kInvalidValue;
    const ErrorText* e = error_text(code);
    *text = e ? e->text : nullptr;
    return e ? kSuccess : kInvalidValue;
}

// Every other driver function JCuda's JNI library imports: present, so the library loads, and refused when called.
#define HOSTDRV_UNSUPPORTED(name) \
    HOSTDRV_API CUresult name() { return fail(kNotSupported, #name " is not implemented by the hhnn host driver"); }
#include "cuda_unsupported.inc"
#undef HOSTDRV_UNSUPPORTED

// Why the calling thread's last failing driver call failed ("" when none did): JCuda's exceptions carry the code only.
extern "C" JNIEXPORT jstring JNICALL Java_org_hhnn_backend_cuda_HostDriver_lastError(JNIEnv* env, jclass) {
    return env->NewStringUTF(t_last_error.c_str());
}

extern "C" JNIEXPORT void JNICALL Java_org_hhnn_backend_cuda_HostDriver_clearLastError(JNIEnv*, jclass) { t_last_error.clear(); }

HOSTDRV_API int hhnn_hostdrv_check_range(uintptr_t address, size_t bytes, const char* what) {
    return (need_context(what) == kSuccess && check_range(address, bytes, what)) ? 1 : 0;
}

HOSTDRV_API void hhnn_hostdrv_fail(const char* why) { fail(kInvalidValue, why); }
