// native/hostdrv/hostdrv.h — the host CUDA driver (libhhnn_hostcuda.so, soname libcuda.so.1): the driver API subset
// JCudaDevice calls through JCuda's JNI library, run on the CPU with kernels/*.cu compiled for the host (the same
// registry as the EmulatedDevice, kernels/emu_shim.h). For CI only: it lets JCudaDevice's marshalling (argument
// packing, copy directions, contexts per thread) run without a GPU, and it checks what a GPU would silently misread.
// The types and codes are the CUDA driver API's (cuda.h is not needed to build it).
// Java twin: org.hhnn.backend.cuda.HostDriver (loading) / JCudaDevice. Tested by: HostDriverTest, the OnGpu runners.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct HostCtx* CUcontext;
typedef struct HostModule* CUmodule;
typedef struct HostFunction* CUfunction;
typedef struct HostStream* CUstream;

#define HOSTDRV_API extern "C" __attribute__((visibility("default")))

namespace hostdrv {

// CUresult values (cuda.h).
enum : int {
    kSuccess = 0,
    kInvalidValue = 1,
    kOutOfMemory = 2,
    kNotInitialized = 3,
    kNoDevice = 100,
    kInvalidDevice = 101,
    kInvalidImage = 200,
    kInvalidContext = 201,
    kNoBinaryForGpu = 209,
    kInvalidPtx = 218,
    kInvalidHandle = 400,
    kNotFound = 500,
    kIllegalAddress = 700,
    kLaunchOutOfResources = 701,
    kNotSupported = 801,
    kUnknown = 999,
};

// Limits reported by cuDeviceGetAttribute and enforced by cuLaunchKernel (an sm_90 GPU's).
constexpr int kMaxThreadsPerBlock = 1024;
constexpr int kMaxBlockDim[3] = {1024, 1024, 64};
constexpr int kMaxGridDim[3] = {2147483647, 65535, 65535};
constexpr int kMaxSharedPerBlock = 49152;

// Records why the last call on this thread failed (read by HostDriver.lastError through JNI, and printed to stderr
// when HHNN_HOSTDRV_VERBOSE is set) and returns code.
CUresult fail(CUresult code, const std::string& why);
// Whether cuInit ran and the calling thread has a current context (the real driver's INVALID_CONTEXT otherwise).
CUresult need_context(const char* call);

// ---- memory (hostdrv_memory.cpp) ----
// A live allocation holding [address, address + bytes): its start and size, or false.
bool find_allocation(uintptr_t address, uintptr_t* start, size_t* size);
// Whether [address, address + bytes) lies inside one live allocation; on failure records why (naming what).
bool check_range(uintptr_t address, size_t bytes, const std::string& what);
// Whether the guard bytes after the allocation holding address are intact (a kernel did not write past its end).
bool canary_intact(uintptr_t address);

}  // namespace hostdrv

// For the cuBLAS stand-in (libhhnn_hostcublas.so, a separate library): check_range and fail, exported.
HOSTDRV_API int hhnn_hostdrv_check_range(uintptr_t address, size_t bytes, const char* what);
HOSTDRV_API void hhnn_hostdrv_fail(const char* why);
