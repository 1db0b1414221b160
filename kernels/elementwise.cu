// kernels/elementwise.cu — elementwise kernels of the cuda backend: fill, add_bias, unary (+ backward), binary, axpby.
// Math: kernels/activations.cuh, kernels/elementwise.cuh (shared with native/); semantics: the Backend javadoc,
// ReferenceBackend the spec.
// Twins: native/cpu_elementwise.cpp + cpu_memory.cpp (fill), ReferenceBackend, CudaBackend (the launches).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
// Every kernel: one thread per element in a grid-stride loop, barrier-free; launched with LaunchConfig.forCount(n).
#include "emu_shim.h"
#include "activations.cuh"
#include "elementwise.cuh"

// ---- math ---------------------------------------------------------------------------------------------------------

// One loop per op code: the switch on op runs once per thread, not once per element.
template <int OP>
HHNN_DEV void hhnn_unary_loop(const float* x, float* y, long n) {
    HHNN_GRID_STRIDE(i, n) y[i] = hhnn_unary(OP, x[i]);
}

template <int OP>
HHNN_DEV void hhnn_unary_backward_loop(const float* x, const float* y, const float* dy, float* dx, long n) {
    HHNN_GRID_STRIDE(i, n) dx[i] = dy[i] * hhnn_unary_grad(OP, x[i], y[i]);
}

template <int OP>
HHNN_DEV void hhnn_binary_loop(const float* a, const float* b, float* out, long n) {
    HHNN_GRID_STRIDE(i, n) out[i] = hhnn_binary(OP, a[i], b[i]);
}

// ---- kernels ------------------------------------------------------------------------------------------------------

// y[i] = value.   y (n)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK) hhnn_fill_f32(float* y, float value, long n) {
    HHNN_GRID_STRIDE(i, n) y[i] = value;
}
HHNN_REGISTER(hhnn_fill_f32)

// y[r, c] = x[r, c] + bias[c].   x, y (rows, cols), y may be x; bias (cols)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_add_bias_f32(const float* x, const float* bias, float* y, int rows, int cols) {
    HHNN_GRID_STRIDE(i, (long)rows * cols) y[i] = x[i] + bias[i % cols];
}
HHNN_REGISTER(hhnn_add_bias_f32)

// y[i] = f_op(x[i]), op = org.hhnn.backend.UnaryOp ordinal.   x, y (n), y may be x
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK) hhnn_unary_f32(int op, const float* x, float* y, long n) {
#define CALL(OP) hhnn_unary_loop<OP>(x, y, n)
    switch (op) {
        HHNN_UNARY_CASES
        default: HHNN_GRID_STRIDE(i, n) y[i] = NAN;   // unknown op code (Java never sends one): make it visible
    }
#undef CALL
}
HHNN_REGISTER(hhnn_unary_f32)

// dx[i] = dy[i] * f_op'(x[i]) given y = f_op(x).   x, y, dy, dx (n), dx may be dy
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_unary_backward_f32(int op, const float* x, const float* y, const float* dy, float* dx, long n) {
#define CALL(OP) hhnn_unary_backward_loop<OP>(x, y, dy, dx, n)
    switch (op) {
        HHNN_UNARY_CASES
        default: HHNN_GRID_STRIDE(i, n) dx[i] = NAN;
    }
#undef CALL
}
HHNN_REGISTER(hhnn_unary_backward_f32)

// out[i] = a[i] (op) b[i], op = org.hhnn.backend.BinaryOp ordinal (0 add, 1 sub, 2 mul).   a, b, out (n), out may be a or b
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_binary_f32(int op, const float* a, const float* b, float* out, long n) {
#define CALL(OP) hhnn_binary_loop<OP>(a, b, out, n)
    switch (op) {
        HHNN_BINARY_CASES
        default: HHNN_GRID_STRIDE(i, n) out[i] = NAN;
    }
#undef CALL
}
HHNN_REGISTER(hhnn_binary_f32)

// y[i] = alpha x[i] + beta y[i] (hhnn_axpby); beta = 0 never reads y (NaN there must not leak through 0 * NaN).   x, y (n)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_axpby_f32(float alpha, const float* x, float beta, float* y, long n) {
    if (beta == 0.f) {
        HHNN_GRID_STRIDE(i, n) y[i] = alpha * x[i];
    } else {
        HHNN_GRID_STRIDE(i, n) y[i] = hhnn_axpby(alpha, x[i], beta, y[i]);
    }
}
HHNN_REGISTER(hhnn_axpby_f32)
