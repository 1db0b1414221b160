// kernels/reduce.cu — reductions of the cuda backend: sum over rows / over columns, and the float64 full sums
// (sum, sum of squares) as a deterministic two-stage tree with no atomics.
// Semantics: Backend.sumRows / sumCols / sum / sumSquares javadoc (float64 accumulation, deterministic order).
// Twins: native/cpu_elementwise.cpp (sumRows, sumCols, sum, sumSquares), ReferenceBackend, CudaBackend (launches).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free: one thread per output column (sum_rows: coalesced, neighbouring threads read neighbouring
// columns) or per output row (sum_cols). The full sums run as
//   stage 1  hhnn_reduce_partial_f32: thread t of T (T = grid x block of LaunchConfig.forCount(n)) sums
//            terms t, t+T, ... in double into partial[t] (coalesced when the stride is 1);
//   stage 2  hhnn_reduce_chunks_f64, repeated: thread t sums in[t*chunk .. (t+1)*chunk) in order, until one
//            value is left;
//   then     the host downloads it (sum, sumSquares), or hhnn_reduce_finish_f32 writes it into a float on the device.
// The same three stages serve what one thread per output would do serially on a GPU (DeviceReduce, CudaBackend):
// sum_rows with a handful of columns, sum_cols with a handful of rows and the fallback gemm with m·n a handful (a dot
// product: the trainable input gain's gradient is one of length B·M), each when the length is large.
// The order of every addition depends on n only, so the result is bit-for-bit repeatable.
#include "emu_shim.h"

// y[c] = beta y[c] + sum_r x[r, c], summed in double over r in order; beta = 0 never reads y.
// x (rows, cols); y (cols). One thread per column.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_sum_rows_f32(const float* x, float* y, int rows, int cols, float beta) {
    HHNN_GRID_STRIDE(c, cols) {
        double s = 0.0;
        for (int r = 0; r < rows; r++) s += x[(long)r * cols + c];
        y[c] = (float)((beta == 0.f ? 0.0 : (double)beta * y[c]) + s);
    }
}
HHNN_REGISTER(hhnn_sum_rows_f32)

// y[r] = beta y[r] + sum_c x[r, c], summed in double over c in order.   x (rows, cols); y (rows). One thread per row.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_sum_cols_f32(const float* x, float* y, int rows, int cols, float beta) {
    HHNN_GRID_STRIDE(r, rows) {
        const float* xr = x + r * (long)cols;
        double s = 0.0;
        for (int c = 0; c < cols; c++) s += xr[c];
        y[r] = (float)((beta == 0.f ? 0.0 : (double)beta * y[r]) + s);
    }
}
HHNN_REGISTER(hhnn_sum_cols_f32)

// Stage 1: partial[t] = sum over i = t (mod T), i < n, of a[i aStep] b[i bStep] (b null: of a[i aStep]), in double,
// T = the grid's thread count. sum (x, 1, null), sumSquares (x, 1, x, 1), a row of a (rows, cols) matrix
// (x + r cols, 1, null), a column (x + c, cols, null), a dot product of strided vectors (a, aStep, b, bStep).
// a (n terms at stride aStep); b (null, or n at bStep); partial (T)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_reduce_partial_f32(const float* a, long aStep, const float* b, long bStep, long n, double* partial) {
    double s = 0.0;
    if (b) {
        HHNN_GRID_STRIDE(i, n) s += (double)a[i * aStep] * b[i * bStep];
    } else {
        HHNN_GRID_STRIDE(i, n) s += a[i * aStep];
    }
    partial[hhnn_tid()] = s;
}
HHNN_REGISTER(hhnn_reduce_partial_f32)

// Stage 2: out[t] = in[t*chunk] + ... + in[min(n, (t+1)*chunk) - 1], in order.   in (n); out (ceil(n / chunk))
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_reduce_chunks_f64(const double* in, long n, long chunk, double* out) {
    HHNN_GRID_STRIDE(t, (n + chunk - 1) / chunk) {
        long lo = t * chunk, hi = lo + chunk < n ? lo + chunk : n;
        double s = 0.0;
        for (long i = lo; i < hi; i++) s += in[i];
        out[t] = s;
    }
}
HHNN_REGISTER(hhnn_reduce_chunks_f64)

// The end of a reduction kept on the device: y[0] = alpha s[0] + beta y[0] in double, rounded to float once; beta = 0
// never reads y.   s (1 double); y (1). One thread.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_reduce_finish_f32(const double* s, float alpha, float beta, float* y) {
    HHNN_GRID_STRIDE(i, 1) y[i] = (float)((double)alpha * s[i] + (beta == 0.f ? 0.0 : (double)beta * y[i]));
}
HHNN_REGISTER(hhnn_reduce_finish_f32)
