// native/hostdrv/hostdrv_module.cpp — modules and launches of the host driver. cuModuleLoadData takes what a GPU
// driver takes: a fatbin (its PTX entry is read; nvcc writes it uncompressed, CMakeLists.txt) or PTX text. Each
// `.entry` of the PTX names a kernel and its parameters; the kernel must be one of kernels/*.cu compiled into this
// library (the kernels/emu_shim.h registry), with the same parameter count and sizes as its C++ signature, or the
// module is refused (CUDA_ERROR_INVALID_IMAGE). In CI, with no nvcc, the module is hhnn-host.ptx, written at build
// time from that registry by hostptx_main.cpp in the same PTX form.
// cuLaunchKernel checks what a GPU would not: the function belongs to a loaded module, grid and block lie within the
// device's limits, the argument buffer (CU_LAUNCH_PARAM_BUFFER_*) has the exact size of the kernel's parameters,
// every pointer argument is null or inside a live allocation, and after the run the guard bytes behind each pointed-to
// allocation are intact (no write past its end). Kernels run synchronously, blocks spread over OpenMP threads.
// Java twin: JCudaDevice.launch. Tested by: HostDriverTest, the OnGpu runners.
#include <omp.h>
#include <string.h>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include "emu_shim.h"
#include "hostdrv.h"
#include "hostptx.h"

struct HostFunction {
    const hhnn_emu::Kernel* kernel;
    std::vector<hostptx::Param> params;   // from the module's PTX
    size_t param_bytes;                   // where the last parameter ends
    CUmodule module;
};

struct HostModule {
    std::map<std::string, HostFunction*> functions;
    ~HostModule() {
        for (auto& f : functions) delete f.second;
    }
};

namespace hostdrv {
namespace {

std::mutex g_mutex;
std::set<CUmodule> g_modules;
std::set<CUfunction> g_functions;

constexpr uint32_t kFatbinMagic = 0xBA55ED50u;

uint16_t u16(const unsigned char* p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t u32(const unsigned char* p) { return (uint32_t)u16(p) | (uint32_t)u16(p + 2) << 16; }
uint64_t u64(const unsigned char* p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

// The PTX of a fatbin (fatbinary.h's layout, as org.hhnn.backend.cuda.Fatbin reads it): the first uncompressed PTX
// entry; empty when there is none.
CUresult fatbin_ptx(const unsigned char* data, std::string* ptx) {
    size_t header = u16(data + 6);
    uint64_t end = header + u64(data + 8);
    size_t off = header;
    while (off + 32 <= end) {
        const unsigned char* e = data + off;
        uint16_t kind = u16(e);
        uint32_t entry_header = u32(e + 4);
        uint64_t payload = u64(e + 8);
        if (entry_header < 32) return fail(kInvalidImage, "cuModuleLoadData: corrupt fatbin entry at byte " + std::to_string(off));
        // Flags at byte 16 of the entry header; bit 0x2000 marks compressed payloads (fatbinary.h).
        bool compressed = (u64(e + 16) & 0x2000) != 0;
        if (kind == 1 && !compressed) {
            const char* text = reinterpret_cast<const char*>(e + entry_header);
            *ptx = std::string(text, strnlen(text, payload));
            return kSuccess;
        }
        off += entry_header + payload;
    }
    return fail(kNoBinaryForGpu, "cuModuleLoadData: the fatbin holds no uncompressed PTX, which the host driver reads for the kernels' parameters");
}

char kind_of_size(size_t size) { return size == 8 ? '8' : size == 4 ? '4' : '?'; }
size_t size_of_kind(char k) { return k == 'i' || k == 'f' ? 4 : 8; }

CUresult load(CUmodule* out, const void* image) {
    if (CUresult r = need_context("cuModuleLoadData")) return r;
    if (out == nullptr || image == nullptr) return fail(kInvalidValue, "cuModuleLoadData: null pointer");
    const unsigned char* data = static_cast<const unsigned char*>(image);
    std::string ptx;
    if (u32(data) == kFatbinMagic) {
        if (CUresult r = fatbin_ptx(data, &ptx)) return r;
    } else {
        const char* text = static_cast<const char*>(image);
        ptx = std::string(text, strnlen(text, (size_t)1 << 30));
    }
    std::vector<hostptx::Entry> entries;
    std::string error;
    if (!hostptx::parse(ptx, &entries, &error)) return fail(kInvalidPtx, "cuModuleLoadData: " + error);
    if (entries.empty()) return fail(kInvalidImage, "cuModuleLoadData: the image holds no .entry (neither PTX nor a fatbin with PTX)");
    const hhnn_emu::Registry& reg = hhnn_emu::registry();
    HostModule* m = new HostModule();
    for (const hostptx::Entry& e : entries) {
        const hhnn_emu::Kernel* k = nullptr;
        for (int i = 0; i < reg.count; i++)
            if (e.name == reg.kernels[i].name) k = &reg.kernels[i];
        std::string why;
        if (k == nullptr) {
            why = "kernel " + e.name + " of the module has no host-compiled twin in this library";
        } else if (e.params.size() != strlen(k->signature)) {
            why = "kernel " + e.name + " takes " + std::to_string(e.params.size()) + " parameters in the module but "
                  + std::to_string(strlen(k->signature)) + " in kernels/*.cu (" + k->signature + ")";
        } else {
            for (size_t i = 0; i < e.params.size() && why.empty(); i++)
                if (e.params[i].size != size_of_kind(k->signature[i]))
                    why = "kernel " + e.name + " parameter " + std::to_string(i) + " is " + std::to_string(e.params[i].size)
                          + " bytes in the module but '" + k->signature[i] + "' (" + kind_of_size(size_of_kind(k->signature[i]))
                          + " bytes) in kernels/*.cu";
        }
        if (!why.empty()) {
            delete m;
            return fail(kInvalidImage, "cuModuleLoadData: " + why);
        }
        HostFunction* f = new HostFunction{k, e.params, e.param_bytes, m};
        m->functions[e.name] = f;
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    g_modules.insert(m);
    for (auto& f : m->functions) g_functions.insert(f.second);
    *out = m;
    return kSuccess;
}

std::string dims(unsigned x, unsigned y, unsigned z) {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(z) + ")";
}

}  // namespace
}  // namespace hostdrv

using namespace hostdrv;

HOSTDRV_API CUresult cuModuleLoadData(CUmodule* module, const void* image) { return load(module, image); }

HOSTDRV_API CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int, void*, void**) {
    return load(module, image);   // JIT options do not apply: nothing is compiled
}

HOSTDRV_API CUresult cuModuleUnload(CUmodule module) {
    if (CUresult r = need_context("cuModuleUnload")) return r;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_modules.erase(module) == 0) return fail(kInvalidHandle, "cuModuleUnload: not a loaded module");
    for (auto& f : module->functions) g_functions.erase(f.second);
    delete module;
    return kSuccess;
}

HOSTDRV_API CUresult cuModuleGetFunction(CUfunction* f, CUmodule module, const char* name) {
    if (CUresult r = need_context("cuModuleGetFunction")) return r;
    if (f == nullptr || name == nullptr) return fail(kInvalidValue, "cuModuleGetFunction: null pointer");
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_modules.count(module) == 0) return fail(kInvalidHandle, "cuModuleGetFunction: not a loaded module");
    auto it = module->functions.find(name);
    if (it == module->functions.end()) return fail(kNotFound, std::string("cuModuleGetFunction: no kernel '") + name + "' in the module");
    *f = it->second;
    return kSuccess;
}

// The launch parameter markers of cuda.h's CU_LAUNCH_PARAM_END / BUFFER_POINTER / BUFFER_SIZE.
static void* const kParamEnd = reinterpret_cast<void*>(0);
static void* const kParamBufferPointer = reinterpret_cast<void*>(1);
static void* const kParamBufferSize = reinterpret_cast<void*>(2);

HOSTDRV_API CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                    unsigned shared, CUstream stream, void** kernel_params, void** extra) {
    if (CUresult r = need_context("cuLaunchKernel")) return r;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (g_functions.count(f) == 0) return fail(kInvalidHandle, "cuLaunchKernel: not a function of a loaded module");
    }
    const std::string name = "cuLaunchKernel(" + std::string(f->kernel->name) + ")";
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0)
        return fail(kInvalidValue, name + ": empty grid " + dims(gx, gy, gz) + " or block " + dims(bx, by, bz));
    if ((unsigned long long)bx * by * bz > (unsigned long long)kMaxThreadsPerBlock || bx > (unsigned)kMaxBlockDim[0]
        || by > (unsigned)kMaxBlockDim[1] || bz > (unsigned)kMaxBlockDim[2])
        return fail(kInvalidValue, name + ": block " + dims(bx, by, bz) + " exceeds the device's limits (" + std::to_string(kMaxThreadsPerBlock)
                                       + " threads, " + dims(kMaxBlockDim[0], kMaxBlockDim[1], kMaxBlockDim[2]) + ")");
    if (gx > (unsigned)kMaxGridDim[0] || gy > (unsigned)kMaxGridDim[1] || gz > (unsigned)kMaxGridDim[2])
        return fail(kInvalidValue, name + ": grid " + dims(gx, gy, gz) + " exceeds the device's limits " + dims(kMaxGridDim[0], kMaxGridDim[1], kMaxGridDim[2]));
    if (shared > (unsigned)kMaxSharedPerBlock) return fail(kInvalidValue, name + ": " + std::to_string(shared) + " bytes of shared memory");
    if (reinterpret_cast<uintptr_t>(stream) > 2) return fail(kInvalidHandle, name + ": the host driver has only the default streams");

    // The arguments, copied into aligned storage at their PTX offsets.
    const size_t n = f->params.size();
    alignas(16) unsigned char values[4096];
    if (f->param_bytes > sizeof values) return fail(kInvalidValue, name + ": more than 4 KiB of parameters");
    if ((kernel_params == nullptr) == (extra == nullptr))
        return fail(kInvalidValue, name + ": exactly one of kernelParams and extra must be given");
    if (extra != nullptr) {
        void* buffer = nullptr;
        size_t* size = nullptr;
        for (int i = 0; extra[i] != kParamEnd; i += 2) {
            if (i >= 16) return fail(kInvalidValue, name + ": extra is not terminated by CU_LAUNCH_PARAM_END");
            if (extra[i] == kParamBufferPointer) buffer = extra[i + 1];
            else if (extra[i] == kParamBufferSize) size = static_cast<size_t*>(extra[i + 1]);
            else return fail(kInvalidValue, name + ": unknown key in extra");
        }
        if (buffer == nullptr || size == nullptr)
            return fail(kInvalidValue, name + ": extra needs CU_LAUNCH_PARAM_BUFFER_POINTER and CU_LAUNCH_PARAM_BUFFER_SIZE");
        if (*size != f->param_bytes)
            return fail(kInvalidValue, name + ": the argument buffer holds " + std::to_string(*size) + " bytes but the kernel's "
                                           + std::to_string(n) + " parameters (" + f->kernel->signature + ") take " + std::to_string(f->param_bytes));
        memcpy(values, buffer, f->param_bytes);
    } else {
        // kernelParams[i] points at argument i; its size is the kernel's (a GPU cannot check it either).
        for (size_t i = 0; i < n; i++) {
            if (kernel_params[i] == nullptr) return fail(kInvalidValue, name + ": kernelParams[" + std::to_string(i) + "] is null");
            memcpy(values + f->params[i].offset, kernel_params[i], f->params[i].size);
        }
    }
    void* args[64];
    if (n > 64) return fail(kInvalidValue, name + ": more than 64 parameters");
    std::vector<uintptr_t> pointers;
    for (size_t i = 0; i < n; i++) {
        args[i] = values + f->params[i].offset;
        if (f->kernel->signature[i] != 'p') continue;
        uintptr_t p;
        memcpy(&p, args[i], sizeof p);
        if (p == 0) continue;   // kernels take null for an absent optional buffer
        uintptr_t start;
        size_t bytes;
        if (!find_allocation(p, &start, &bytes)) {
            char b[32];
            snprintf(b, sizeof b, "0x%lx", (unsigned long)p);
            return fail(kIllegalAddress, name + ": argument " + std::to_string(i) + " (a pointer) is " + b
                                             + ", which is not inside any live allocation");
        }
        pointers.push_back(p);
    }
    f->kernel->launch(dim3(gx, gy, gz), dim3(bx, by, bz), args, omp_get_max_threads());
    for (size_t i = 0, j = 0; i < n; i++) {
        if (f->kernel->signature[i] != 'p') continue;
        uintptr_t p;
        memcpy(&p, args[i], sizeof p);
        if (p == 0) continue;
        if (!canary_intact(pointers[j++]))
            return fail(kIllegalAddress, name + ": the kernel wrote past the end of the allocation argument " + std::to_string(i) + " points into");
    }
    return kSuccess;
}
