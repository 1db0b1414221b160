// native/cpu_parallel.h — how native/ loops are split across OpenMP threads: the thread count, the serial
// threshold, chunked elementwise loops and chunked reductions whose order does not depend on the thread count.
// Java twin: CpuBackend.threads/setThreads. Tested by: CpuParityTest (determinism, large shapes).
#pragma once
#include <omp.h>
#include <algorithm>
#include <atomic>
#include <vector>

// Compiled three times (AVX-512, AVX2, baseline x86-64) with the best chosen at load time, for loops whose
// speed is bound by vector width rather than memory (float64 reductions). No -march=native: the library
// ships to machines other than the one that built it. Needs GCC and glibc's ifunc; elsewhere a no-op.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
#define HHNN_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HHNN_SIMD_CLONES
#endif

// For loops over math with explicit fmaf (one rounding, the same bits on every machine: hh.cuh, hhnn_exp): the clones
// with FMA hardware, AVX-512 and x86-64-v3 (AVX2 + FMA; GCC's plain "avx2" clone has no FMA and would call libm per
// element). The baseline clone, for x86 CPUs older than 2013, computes the same bits through libm's fmaf, slowly.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
#define HHNN_FMA_CLONES __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define HHNN_FMA_CLONES
#endif

namespace hhnn {

// Below this many elements a loop runs serially: an OpenMP fork/join costs microseconds.
constexpr long kParallelMin = 32768;
// Memory-bound loops (fills, copies, gathers, bias adds: about one load and one store per element) go parallel only
// from this many elements: below it a second thread saves a few microseconds of bandwidth, less than a fork/join
// costs when the other core is busy. The default threshold stays for loops with arithmetic per element.
constexpr long kParallelMinMem = 1L << 18;
// Elementwise loops and reductions are cut into chunks of this many elements. A reduction sums
// each chunk in double and then the chunk sums in index order, so its bits depend on n only.
constexpr long kChunk = 8192;

// The thread count every parallel region uses (set by CpuBackend.setThreads). Held here rather than
// in OpenMP's per-thread ICV, because Java may call from any thread.
extern std::atomic<int> g_threads;
inline int threads() { return g_threads.load(std::memory_order_relaxed); }

// OpenBLAS's OpenMP build sizes its team from the calling thread's omp_get_max_threads().
inline void sync_blas_threads(int t = threads()) {
    if (omp_get_max_threads() != t) omp_set_num_threads(t);
}

// Below this m·n·k an sgemm runs on one thread (OpenBLAS would thread from 2^18 up): 2^23 is about 0.2 ms on one
// core, where a second thread saves little and, when that core is busy, costs a scheduler time slice per call
// (W3's per-step recurrent gemms and Simple-LSTM's input projection).
constexpr long kGemmSerialMnk = 1L << 23;
inline int gemm_threads(long m, long n, long k) { return m * n * k < kGemmSerialMnk ? 1 : threads(); }

// f(lo, hi) over [0, n) in chunks; parallel when n >= minParallel.
template <class F>
void for_chunks(long n, F&& f, long minParallel = kParallelMin) {
    if (n <= 0) return;
    if (n < minParallel || threads() == 1) { f(0L, n); return; }
    long chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) num_threads(threads())
    for (long c = 0; c < chunks; c++) f(c * kChunk, std::min(n, (c + 1) * kChunk));
}

// Sum over chunks of f(lo, hi) -> double, combined in chunk order (same bits for any thread count).
template <class F>
double reduce_chunks(long n, F&& f) {
    if (n <= 0) return 0.0;
    long chunks = (n + kChunk - 1) / kChunk;
    if (chunks == 1) return f(0L, n);
    std::vector<double> part(chunks);   // allocated outside the region: bad_alloc reaches the guard
    double* pp = part.data();
#pragma omp parallel for schedule(static) num_threads(threads()) if (n >= kParallelMin)
    for (long c = 0; c < chunks; c++) pp[c] = f(c * kChunk, std::min(n, (c + 1) * kChunk));
    double s = 0.0;
    for (long c = 0; c < chunks; c++) s += pp[c];
    return s;
}

// f(r) for each row of a rows x cols matrix; parallel when it holds at least minParallel elements.
template <class F>
void for_rows(int rows, int cols, F&& f, long minParallel = kParallelMin) {
    if ((long)rows * cols < minParallel || threads() == 1) {
        for (int r = 0; r < rows; r++) f(r);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(threads())
    for (int r = 0; r < rows; r++) f(r);
}

// Column-wise reductions (sumRows, layer-norm dgamma) run over blocks of this many columns: each
// block's accumulators stay in L1 while the rows stream past, in row order.
constexpr int kColBlock = 256;

template <class F>
void for_col_blocks(int rows, int cols, F&& f) {
    int blocks = (cols + kColBlock - 1) / kColBlock;
    auto body = [&](int b) { int c0 = b * kColBlock; f(c0, std::min(cols, c0 + kColBlock)); };
    if ((long)rows * cols < kParallelMin || threads() == 1 || blocks == 1) {
        for (int b = 0; b < blocks; b++) body(b);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(threads())
    for (int b = 0; b < blocks; b++) body(b);
}

}  // namespace hhnn
