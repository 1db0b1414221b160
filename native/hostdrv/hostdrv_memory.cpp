// native/hostdrv/hostdrv_memory.cpp — the host driver's device memory: each cuMemAlloc is its own mapping, laid out
//   [ bytes (rounded to 256) | guard bytes, at least one page, filled with 0xFF | one PROT_NONE page ]
// so a kernel that writes a little past its buffer leaves a trace cuLaunchKernel finds (CUDA_ERROR_ILLEGAL_ADDRESS),
// one that reads past it reads NaN (0xFFFFFFFF) into its results, and one that runs a page or more past it faults
// instead of corrupting the JVM's heap. Fresh memory is filled with 0xFF too: a read of memory nobody wrote is a NaN,
// where a GPU would hand back whatever was there. Copies and memsets must lie inside one live allocation.
// Java twin: JCudaDevice's rawAlloc/upload/download/copy. Tested by: HostDriverTest, the OnGpu runners.
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <map>
#include <mutex>
#include "hostdrv.h"

namespace hostdrv {

namespace {

struct Allocation {
    size_t bytes;     // as asked
    size_t guarded;   // bytes + the guard bytes after them (the readable, writable part of the mapping)
    size_t mapped;    // the whole mapping, the PROT_NONE page included
};

std::mutex g_mutex;
std::map<uintptr_t, Allocation> g_live;   // start -> allocation
size_t g_live_bytes = 0;

constexpr unsigned char kPoison = 0xFF;

size_t page() {
    static const size_t p = (size_t)sysconf(_SC_PAGE_SIZE);
    return p;
}

// The allocation holding address (g_mutex held), or g_live.end().
std::map<uintptr_t, Allocation>::const_iterator holding(uintptr_t address) {
    auto it = g_live.upper_bound(address);
    if (it == g_live.begin()) return g_live.end();
    --it;
    return address < it->first + it->second.bytes ? it : g_live.end();
}

std::string hex(uintptr_t a) {
    char b[32];
    snprintf(b, sizeof b, "0x%lx", (unsigned long)a);
    return b;
}

}  // namespace

bool find_allocation(uintptr_t address, uintptr_t* start, size_t* size) {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = holding(address);
    if (it == g_live.end()) return false;
    *start = it->first;
    *size = it->second.bytes;
    return true;
}

bool check_range(uintptr_t address, size_t bytes, const std::string& what) {
    uintptr_t start;
    size_t size;
    if (!find_allocation(address, &start, &size)) {
        fail(kIllegalAddress, what + ": " + hex(address) + " is not inside any live allocation of the host driver");
        return false;
    }
    if (bytes > size - (address - start)) {
        fail(kIllegalAddress, what + ": " + std::to_string(bytes) + " bytes at " + hex(address) + " run past the end of its allocation ("
                                  + std::to_string(size) + " bytes at " + hex(start) + ", " + std::to_string(size - (address - start)) + " left)");
        return false;
    }
    return true;
}

bool canary_intact(uintptr_t address) {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = holding(address);
    if (it == g_live.end()) return true;   // checked before the launch; a concurrent free is the caller's race
    const unsigned char* p = reinterpret_cast<const unsigned char*>(it->first);
    for (size_t i = it->second.bytes; i < it->second.guarded; i++)
        if (p[i] != kPoison) return false;
    return true;
}

}  // namespace hostdrv

using namespace hostdrv;

HOSTDRV_API CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) {
    if (CUresult r = need_context("cuMemAlloc")) return r;
    if (dptr == nullptr || bytes == 0) return fail(kInvalidValue, "cuMemAlloc: null pointer or 0 bytes");
    size_t p = page();
    if (bytes > ((size_t)1 << 46)) return fail(kOutOfMemory, "cuMemAlloc: " + std::to_string(bytes) + " bytes");
    size_t rounded = (bytes + 255) / 256 * 256;
    size_t guarded = (rounded + p - 1) / p * p + p;
    size_t mapped = guarded + p;
    void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return fail(kOutOfMemory, "cuMemAlloc: mmap of " + std::to_string(mapped) + " bytes failed");
    if (mprotect(static_cast<char*>(m) + guarded, p, PROT_NONE) != 0) {
        munmap(m, mapped);
        return fail(kOutOfMemory, "cuMemAlloc: mprotect of the guard page failed");
    }
    memset(m, kPoison, guarded);
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_live[reinterpret_cast<uintptr_t>(m)] = Allocation{bytes, guarded, mapped};
        g_live_bytes += bytes;
    }
    *dptr = reinterpret_cast<uintptr_t>(m);
    return kSuccess;
}

HOSTDRV_API CUresult cuMemFree_v2(CUdeviceptr dptr) {
    if (CUresult r = need_context("cuMemFree")) return r;
    Allocation a;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        auto it = g_live.find((uintptr_t)dptr);
        if (it == g_live.end())
            return fail(kInvalidValue, "cuMemFree: " + hex((uintptr_t)dptr) + " is not the start of a live allocation (double free, or not from cuMemAlloc)");
        a = it->second;
        g_live_bytes -= a.bytes;
        g_live.erase(it);
    }
    munmap(reinterpret_cast<void*>((uintptr_t)dptr), a.mapped);
    return kSuccess;
}

HOSTDRV_API CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total) {
    if (CUresult r = need_context("cuMemGetInfo")) return r;
    if (free_bytes == nullptr || total == nullptr) return fail(kInvalidValue, "cuMemGetInfo: null pointer");
    long pages = sysconf(_SC_PHYS_PAGES);
    *total = pages > 0 ? (size_t)pages * page() : 0;
    std::lock_guard<std::mutex> lock(g_mutex);
    *free_bytes = *total > g_live_bytes ? *total - g_live_bytes : 0;
    return kSuccess;
}

HOSTDRV_API CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr dptr) {
    if (CUresult r = need_context("cuMemGetAddressRange")) return r;
    uintptr_t start;
    size_t bytes;
    if (!find_allocation((uintptr_t)dptr, &start, &bytes))
        return fail(kNotFound, "cuMemGetAddressRange: " + hex((uintptr_t)dptr) + " is not inside a live allocation");
    if (base) *base = start;
    if (size) *size = bytes;
    return kSuccess;
}

HOSTDRV_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    if (CUresult r = need_context("cuMemcpyHtoD")) return r;
    if (bytes == 0) return kSuccess;
    if (src == nullptr) return fail(kInvalidValue, "cuMemcpyHtoD: null host pointer");
    if (!check_range((uintptr_t)dst, bytes, "cuMemcpyHtoD destination")) return kInvalidValue;
    memcpy(reinterpret_cast<void*>((uintptr_t)dst), src, bytes);
    return kSuccess;
}

HOSTDRV_API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    if (CUresult r = need_context("cuMemcpyDtoH")) return r;
    if (bytes == 0) return kSuccess;
    if (dst == nullptr) return fail(kInvalidValue, "cuMemcpyDtoH: null host pointer");
    if (!check_range((uintptr_t)src, bytes, "cuMemcpyDtoH source")) return kInvalidValue;
    memcpy(dst, reinterpret_cast<const void*>((uintptr_t)src), bytes);
    return kSuccess;
}

HOSTDRV_API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    if (CUresult r = need_context("cuMemcpyDtoD")) return r;
    if (bytes == 0) return kSuccess;
    if (!check_range((uintptr_t)src, bytes, "cuMemcpyDtoD source") || !check_range((uintptr_t)dst, bytes, "cuMemcpyDtoD destination"))
        return kInvalidValue;
    if (!((uintptr_t)src + bytes <= (uintptr_t)dst || (uintptr_t)dst + bytes <= (uintptr_t)src))
        return fail(kInvalidValue, "cuMemcpyDtoD of overlapping ranges (the result would be undefined on a GPU)");
    memcpy(reinterpret_cast<void*>((uintptr_t)dst), reinterpret_cast<const void*>((uintptr_t)src), bytes);
    return kSuccess;
}

// Unified addressing: both ends must be device memory here (JCudaDevice never copies host to host through it).
HOSTDRV_API CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) { return cuMemcpyDtoD_v2(dst, src, bytes); }

template <class T>
static CUresult memset_n(const char* call, CUdeviceptr dst, T value, size_t n) {
    if (CUresult r = need_context(call)) return r;
    if (n == 0) return kSuccess;
    if ((uintptr_t)dst % sizeof(T) != 0) return fail(kInvalidValue, std::string(call) + ": misaligned destination");
    if (!check_range((uintptr_t)dst, n * sizeof(T), std::string(call) + " destination")) return kInvalidValue;
    T* p = reinterpret_cast<T*>((uintptr_t)dst);
    for (size_t i = 0; i < n; i++) p[i] = value;
    return kSuccess;
}

HOSTDRV_API CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char v, size_t n) { return memset_n("cuMemsetD8", dst, v, n); }
HOSTDRV_API CUresult cuMemsetD16_v2(CUdeviceptr dst, unsigned short v, size_t n) { return memset_n("cuMemsetD16", dst, v, n); }
HOSTDRV_API CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned int v, size_t n) { return memset_n("cuMemsetD32", dst, v, n); }
