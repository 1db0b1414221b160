// kernels/common.cuh — HHNN_HD, the marker of per-element math shared by native/ (host) and the .cu kernels.
// Java twin: none (the Java reference is written independently, on purpose).
// Tested by: every parity test of a backend that includes kernels/*.cuh (CpuParityTest today).
#pragma once

#ifdef __CUDACC__
#define HHNN_HD __host__ __device__
#else
#define HHNN_HD
#endif

// Per-element math that an `omp simd` loop must inline to vectorise: in a big loop body GCC's size heuristics may
// otherwise call it out of line, scalar, compiled for the baseline target (where each fmaf is a libm call).
#if defined(__CUDACC__)
#define HHNN_FORCEINLINE __forceinline__
#elif defined(__GNUC__)
#define HHNN_FORCEINLINE inline __attribute__((always_inline))
#else
#define HHNN_FORCEINLINE inline
#endif
