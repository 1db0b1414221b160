// kernels/common.cuh — HHNN_HD, the marker of per-element math shared by native/ (host) and the .cu kernels.
// Java twin: none (the Java reference is written independently, on purpose).
// Tested by: every parity test of a backend that includes kernels/*.cuh (CpuParityTest today).
#pragma once

#ifdef __CUDACC__
#define HHNN_HD __host__ __device__
#else
#define HHNN_HD
#endif
