// native/cpu_elementwise.cpp — addBias, sumRows, sumCols, unary (+ backward), binary, axpby, sumSquares, sum.
// Java twin: CpuBackend / ReferenceBackend methods of the same names; per-element math and op codes in
// kernels/activations.cuh (unary) and kernels/elementwise.cuh (binary, axpby).
// Tested by: CpuParityTest (every UnaryOp and BinaryOp, reductions, determinism).
#include <string>
#include "activations.cuh"
#include "elementwise.cuh"
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

// ---- bias and axis reductions ---------------------------------------------------------------

HHNN_JNI(void, addBias)(JNIEnv* env, jobject, jlong x, jlong bias, jlong y, jint rows, jint cols) {
    guard(env, "addBias", [&] {
        const float* X = fp(x);   // (rows, cols)
        const float* B = fp(bias);   // (cols)
        float* Y = fp(y);   // (rows, cols), may be X
        for_rows(rows, cols, [=](int r) {
            const float* xr = X + (long)r * cols;
            float* yr = Y + (long)r * cols;
#pragma omp simd
            for (int j = 0; j < cols; j++) yr[j] = xr[j] + B[j];
        }, kParallelMinMem);
    });
}

// y[c] = beta y[c] + sum_r x[r, c]: column blocks in parallel, rows summed in order in double.
HHNN_JNI(void, sumRows)(JNIEnv* env, jobject, jlong x, jlong y, jint rows, jint cols, jfloat beta) {
    guard(env, "sumRows", [&] {
        const float* X = fp(x);   // (rows, cols)
        float* Y = fp(y);   // (cols)
        for_col_blocks(rows, cols, [=](int c0, int c1) {
            double acc[kColBlock] = {};
            int w = c1 - c0;
            for (int r = 0; r < rows; r++) {
                const float* xr = X + (long)r * cols + c0;
#pragma omp simd
                for (int j = 0; j < w; j++) acc[j] += xr[j];
            }
            for (int j = 0; j < w; j++)
                Y[c0 + j] = (float)((beta == 0.f ? 0.0 : (double)beta * Y[c0 + j]) + acc[j]);
        });
    });
}

// y[r] = beta y[r] + sum_c x[r, c]: rows in parallel, each summed in double.
HHNN_JNI(void, sumCols)(JNIEnv* env, jobject, jlong x, jlong y, jint rows, jint cols, jfloat beta) {
    guard(env, "sumCols", [&] {
        const float* X = fp(x);   // (rows, cols)
        float* Y = fp(y);   // (rows)
        for_rows(rows, cols, [=](int r) {
            const float* xr = X + (long)r * cols;
            double s = 0.0;
#pragma omp simd reduction(+ : s)
            for (int j = 0; j < cols; j++) s += xr[j];
            Y[r] = (float)((beta == 0.f ? 0.0 : (double)beta * Y[r]) + s);
        });
    });
}

// ---- unary ----------------------------------------------------------------------------------

// OP is a template argument so that hhnn_unary's switch folds away and the loop body is one function.
template <int OP>
static void unary_t(const float* X, float* Y, long n) {
    for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
        for (long i = lo; i < hi; i++) Y[i] = hhnn_unary(OP, X[i]);
    });
}

template <int OP>
static void unary_backward_t(const float* X, const float* Yv, const float* DY, float* DX, long n) {
    for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
        for (long i = lo; i < hi; i++) DX[i] = DY[i] * hhnn_unary_grad(OP, X[i], Yv[i]);
    });
}

// Expands CALL(OP) with the compile-time constant matching the runtime op code: one instantiation per op.
#define HHNN_DISPATCH_UNARY(op, CALL)                                                 \
    switch (op) {                                                                     \
        HHNN_UNARY_CASES                                                              \
        default: throw IllegalArgument("unknown unary op code " + std::to_string(op)); \
    }

HHNN_JNI(void, unary)(JNIEnv* env, jobject, jint op, jlong x, jlong y, jlong n) {
    guard(env, "unary", [&] {
        const float* X = fp(x);   // (n)
        float* Y = fp(y);   // (n), may be X
#define CALL(OP) unary_t<OP>(X, Y, n)
        HHNN_DISPATCH_UNARY(op, CALL)
#undef CALL
    });
}

HHNN_JNI(void, unaryBackward)(JNIEnv* env, jobject, jint op, jlong x, jlong y, jlong dy, jlong dx, jlong n) {
    guard(env, "unaryBackward", [&] {
        const float* X = fp(x);   // (n)
        const float* Yv = fp(y);   // (n) = f(X)
        const float* DY = fp(dy);   // (n)
        float* DX = fp(dx);   // (n), may be DY
#define CALL(OP) unary_backward_t<OP>(X, Yv, DY, DX, n)
        HHNN_DISPATCH_UNARY(op, CALL)
#undef CALL
    });
}

// ---- binary, axpby --------------------------------------------------------------------------

template <int OP>
static void binary_t(const float* A, const float* B, float* O, long n) {
    for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
        for (long i = lo; i < hi; i++) O[i] = hhnn_binary(OP, A[i], B[i]);
    });
}

HHNN_JNI(void, binary)(JNIEnv* env, jobject, jint op, jlong a, jlong b, jlong out, jlong n) {
    guard(env, "binary", [&] {
        const float* A = fp(a);   // (n)
        const float* B = fp(b);   // (n)
        float* O = fp(out);   // (n), may be A or B
#define CALL(OP) binary_t<OP>(A, B, O, n)
        switch (op) {
            HHNN_BINARY_CASES
            default: throw IllegalArgument("unknown binary op code " + std::to_string(op));
        }
#undef CALL
    });
}

HHNN_JNI(void, axpby)(JNIEnv* env, jobject, jfloat alpha, jlong x, jfloat beta, jlong y, jlong n) {
    guard(env, "axpby", [&] {
        const float* X = fp(x);   // (n)
        float* Y = fp(y);   // (n)
        if (beta == 0.f) {   // y is write-only: NaN in it must not leak through 0 * NaN
            for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
                for (long i = lo; i < hi; i++) Y[i] = alpha * X[i];
            });
        } else {
            for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
                for (long i = lo; i < hi; i++) Y[i] = hhnn_axpby(alpha, X[i], beta, Y[i]);
            });
        }
    });
}

// ---- full reductions (double accumulation, chunk order fixed) -------------------------------

HHNN_SIMD_CLONES static double sum_squares_chunk(const float* X, long lo, long hi) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (long i = lo; i < hi; i++) s += (double)X[i] * X[i];
    return s;
}

HHNN_SIMD_CLONES static double sum_chunk(const float* X, long lo, long hi) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (long i = lo; i < hi; i++) s += X[i];
    return s;
}

HHNN_JNI(jdouble, sumSquares)(JNIEnv* env, jobject, jlong x, jlong n) {
    return guard(env, "sumSquares", [&]() -> jdouble {
        const float* X = fp(x);   // (n)
        return reduce_chunks(n, [=](long lo, long hi) { return sum_squares_chunk(X, lo, hi); });
    });
}

HHNN_JNI(jdouble, sum)(JNIEnv* env, jobject, jlong x, jlong n) {
    return guard(env, "sum", [&]() -> jdouble {
        const float* X = fp(x);   // (n)
        return reduce_chunks(n, [=](long lo, long hi) { return sum_chunk(X, lo, hi); });
    });
}
