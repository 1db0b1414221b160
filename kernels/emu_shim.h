// kernels/emu_shim.h — lets the very same kernels/*.cu sources compile twice: by nvcc (and NVRTC) for the GPU,
// and by g++ as C++ into libhhnn.so for the EmulatedDevice, which runs each kernel over its grid with plain loops.
// Every .cu file includes it first. Under nvcc/NVRTC it only defines the launch helpers both compilers share
// (hhnn_tid, hhnn_nthreads, HHNN_GRID_STRIDE, HHNN_UNROLL, HHNN_REGISTER = nothing); under g++ it also defines what CUDA
// would: __global__/__device__/__host__, dim3/uint3, blockIdx/threadIdx/blockDim/gridDim (thread-local),
// atomicAdd on float/double/int (CAS loops over __atomic builtins) and a registry name -> launcher that
// native/emu_launch.cpp looks kernels up in (the emulated twin of cuModuleGetFunction).
//
// The emulation is exact for barrier-free kernels only: no __syncthreads, no __shared__, no warp intrinsics
// (none of them is defined here, so a kernel that uses one fails to compile for the emulator, which is the
// point: DESIGN.md § Backends and parity). Blocks run in parallel (OpenMP), threads of a block in order.
// Twins: org.hhnn.backend.cuda.EmulatedDevice / EmuNative (Java), native/emu_launch.cpp (JNI).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
#pragma once

// ---- shared by both compilers -----------------------------------------------------------------------------------

// The block size every launch uses (org.hhnn.backend.cuda.LaunchConfig.BLOCK): kernels declare it as their
// __launch_bounds__ so ptxas may use up to 255 registers per thread without spilling.
#define HHNN_BLOCK 256

// Marks the translation unit as kernel code for shared headers (common.cuh: HHNN_HOST_SIMD).
#define HHNN_KERNEL_SOURCE 1

#if defined(__CUDACC__)

#define HHNN_DEV __device__ __forceinline__
// Fully unrolls the next loop (its trip count must be a compile-time constant): register arrays stay in registers.
#define HHNN_UNROLL _Pragma("unroll")
// Nothing to register on the GPU: the driver finds kernels by their extern "C" name in the fatbin.
#define HHNN_REGISTER(name)

#else  // ---- host emulation (g++) ---------------------------------------------------------------------------------

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <omp.h>
#include <tuple>
#include <type_traits>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define HHNN_DEV inline
#define HHNN_UNROLL _Pragma("GCC unroll 64")

struct uint3 { unsigned x, y, z; };
struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

// One copy per host thread: each OpenMP worker runs whole blocks, setting these before each emulated thread.
inline thread_local uint3 threadIdx, blockIdx;
inline thread_local dim3 blockDim, gridDim;

// CUDA's atomicAdd: adds v at *a atomically and returns the old value (compare-and-swap on the bits).
template <class F, class U>
inline F hhnn_atomic_add_fp(F* a, F v) {
    static_assert(sizeof(F) == sizeof(U), "float and its bit type differ in size");
    U* p = reinterpret_cast<U*>(a);
    U old = __atomic_load_n(p, __ATOMIC_RELAXED), nw;
    F f;
    do {
        memcpy(&f, &old, sizeof f);
        F sum = f + v;
        memcpy(&nw, &sum, sizeof nw);
    } while (!__atomic_compare_exchange_n(p, &old, nw, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    memcpy(&f, &old, sizeof f);
    return f;
}
inline float atomicAdd(float* a, float v) { return hhnn_atomic_add_fp<float, uint32_t>(a, v); }
inline double atomicAdd(double* a, double v) { return hhnn_atomic_add_fp<double, uint64_t>(a, v); }
inline int atomicAdd(int* a, int v) { return __atomic_fetch_add(a, v, __ATOMIC_RELAXED); }

namespace hhnn_emu {

// A kernel's launcher: runs it over grid x block with `threads` OpenMP threads; args as cuLaunchKernel's
// kernelParams (args[i] points at the i-th argument's value).
using Launcher = void (*)(dim3 grid, dim3 block, void** args, int threads);

struct Kernel {
    const char* name;
    const char* signature;   // one letter per parameter: p pointer, i int, l 64-bit integer, f float, d double
    Launcher launch;
};

// Registry capacity: far more kernels than the project has; registration past it is reported by emu_launch.cpp.
constexpr int kMaxKernels = 256;
struct Registry {
    Kernel kernels[kMaxKernels];
    int count = 0;
    int overflow = 0;
};
// One registry per library (an inline function's static is unique across translation units).
inline Registry& registry() {
    static Registry r;
    return r;
}

template <class T>
constexpr char code() {
    if constexpr (std::is_pointer<T>::value) return 'p';
    else if constexpr (std::is_same<T, float>::value) return 'f';
    else if constexpr (std::is_same<T, double>::value) return 'd';
    else if constexpr (std::is_integral<T>::value && sizeof(T) == 4) return 'i';
    else if constexpr (std::is_integral<T>::value && sizeof(T) == 8) return 'l';
    else static_assert(sizeof(T) == 0, "kernel parameters are pointers, 32/64-bit integers, float or double");
    return '?';
}

// Runs body() once per (block, thread) of the grid: blocks in parallel, threads of a block in order.
template <class Body>
inline void run_grid(dim3 g, dim3 b, int threads, const Body& body) {
    long blocks = (long)g.x * g.y * g.z;
#pragma omp parallel for schedule(static) num_threads(threads) if (blocks > 1 && threads > 1)
    for (long blk = 0; blk < blocks; blk++) {
        gridDim = g;
        blockDim = b;
        blockIdx = uint3{(unsigned)(blk % g.x), (unsigned)(blk / g.x % g.y), (unsigned)(blk / ((long)g.x * g.y))};
        for (unsigned z = 0; z < b.z; z++)
            for (unsigned y = 0; y < b.y; y++)
                for (unsigned x = 0; x < b.x; x++) {
                    threadIdx = uint3{x, y, z};
                    body();
                }
    }
}

template <class F>
struct Traits;

template <class... A>
struct Traits<void(A...)> {
    static constexpr char signature[] = {code<A>()..., '\0'};

    template <std::size_t... I>
    static std::tuple<A...> unpack(void** args, std::index_sequence<I...>) {
        return std::tuple<A...>(*static_cast<A*>(args[I])...);
    }

    // K is a template argument, so its body is inlined into the grid loop.
    template <void (*K)(A...)>
    static void launch(dim3 g, dim3 b, void** args, int threads) {
        std::tuple<A...> v = unpack(args, std::index_sequence_for<A...>{});
        run_grid(g, b, threads, [&v] { std::apply(K, v); });
    }
};

struct Registrar {
    Registrar(const char* name, const char* signature, Launcher launch) {
        Registry& r = registry();
        if (r.count < kMaxKernels) r.kernels[r.count++] = Kernel{name, signature, launch};
        else r.overflow++;
    }
};

}  // namespace hhnn_emu

// After each kernel: makes it launchable by name on the EmulatedDevice (a static registrar in libhhnn.so).
#define HHNN_REGISTER(name)                                                                                     \
    static ::hhnn_emu::Registrar hhnn_registrar_##name(#name, ::hhnn_emu::Traits<decltype(name)>::signature, \
                                                       &::hhnn_emu::Traits<decltype(name)>::launch<name>);

#endif  // __CUDACC__

// The global index of this thread and the number of threads in the grid (64-bit: n may exceed 2^31).
HHNN_DEV long hhnn_tid() { return (long)blockIdx.x * blockDim.x + threadIdx.x; }
HHNN_DEV long hhnn_nthreads() { return (long)gridDim.x * blockDim.x; }

// for (i = this thread's index; i < n; i += threads in the grid): any grid covers any n.
#define HHNN_GRID_STRIDE(i, n) for (long i = hhnn_tid(), i##_end = (n); i < i##_end; i += hhnn_nthreads())
