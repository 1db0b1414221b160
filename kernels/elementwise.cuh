// kernels/elementwise.cuh — the per-element math of binary ops and axpby, float32 in and out, shared by
// kernels/elementwise.cu and native/cpu_elementwise.cpp (the unary ops live in activations.cuh).
// Java twin: ReferenceBackend.binary / axpby; op codes = org.hhnn.backend.BinaryOp ordinals.
// Tested by: CoreParityCases.binary / axpby (run by CpuParityTest and CudaEmulatedParityTest).
#pragma once
#include <math.h>
#include "common.cuh"

// X(NAME, CODE, a (op) b), CODE = org.hhnn.backend.BinaryOp ordinal.
#define HHNN_BINARY_OPS(X) \
    X(ADD, 0, a + b)       \
    X(SUB, 1, a - b)       \
    X(MUL, 2, a * b)

#define HHNN_BINARY_ENUM_(NAME, CODE, F) HHNN_BINARY_##NAME = CODE,
enum { HHNN_BINARY_OPS(HHNN_BINARY_ENUM_) HHNN_BINARY_COUNT };
#undef HHNN_BINARY_ENUM_

#define HHNN_BINARY_F_(NAME, CODE, F) case CODE: return F;
HHNN_HD inline float hhnn_binary(int op, float a, float b) {
    switch (op) {
        HHNN_BINARY_OPS(HHNN_BINARY_F_)
        default: return NAN;   // unknown op code: make the mistake visible
    }
}
#undef HHNN_BINARY_F_

// `case CODE: CALL(CODE); break;` for every binary op (CALL is the caller's macro), as HHNN_UNARY_CASES.
#define HHNN_BINARY_CALL_CASE_(NAME, CODE, F) case CODE: CALL(CODE); break;
#define HHNN_BINARY_CASES HHNN_BINARY_OPS(HHNN_BINARY_CALL_CASE_)

// y = alpha·x + beta·y for beta ≠ 0, in double: both products are exact and the sum is rounded once (the reference's
// bits). Callers take beta = 0 apart (y = alpha·x, y never read) so that a NaN in a write-only y cannot leak through
// 0·NaN.
HHNN_HD inline float hhnn_axpby(float alpha, float x, float beta, float y) {
    return (float)((double)alpha * x + (double)beta * y);
}
