// kernels/common.cuh — HHNN_HD, the marker of per-element math shared by native/ (host) and the .cu kernels, and
// HHNN_HOST_SIMD, the vectorisation hint such shared code gives native/ alone.
// Java twin: none (the Java reference is written independently, on purpose).
// Tested by: every parity test of a backend that includes kernels/*.cuh (CpuParityTest, CudaEmulatedParityTest, ...).
#pragma once

#ifdef __CUDACC__
#define HHNN_HD __host__ __device__
#else
#define HHNN_HD
#endif

// `#pragma omp simd <clauses>` for a loop inside shared math when native/ compiles it; nothing when it is kernel code
// (nvcc, or g++ compiling kernels/*.cu for the emulator, whose emu_shim.h defines HHNN_KERNEL_SOURCE), so the emulator
// runs the kernels' own order of operations. A reduction clause lets the cpu sum in vector lanes: a fixed order for a
// given build, not the kernel's, so cpu and cuda agree to rounding, each deterministic.
#define HHNN_PRAGMA_(x) _Pragma(#x)
#if defined(__CUDACC__) || defined(HHNN_KERNEL_SOURCE)
#define HHNN_HOST_SIMD(...)
#else
#define HHNN_HOST_SIMD(...) HHNN_PRAGMA_(omp simd __VA_ARGS__)
#endif
