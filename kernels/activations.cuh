// kernels/activations.cuh — elementwise activations f(x) and f'(x) (given x and y = f(x)), float32.
// Java twin: ReferenceBackend.apply / derivative; op codes = org.hhnn.backend.UnaryOp ordinals.
// Tested by: CpuParityTest.unaryForward / unaryBackward (every op, inputs in the op's domain).
#pragma once
#include <math.h>
#include "common.cuh"

#define HHNN_UNARY_IDENTITY   0
#define HHNN_UNARY_RELU       1
#define HHNN_UNARY_SIGMOID    2
#define HHNN_UNARY_TANH       3
#define HHNN_UNARY_TANHSHRINK 4
#define HHNN_UNARY_SOFTPLUS   5
#define HHNN_UNARY_EXP        6
#define HHNN_UNARY_LOG        7
#define HHNN_UNARY_COUNT      8

// Stable for large |x|: exp is only ever taken of a non-positive number, so it never overflows.
HHNN_HD inline float hhnn_sigmoid(float x) {
    if (x >= 0.f) return 1.f / (1.f + expf(-x));
    float e = expf(x);
    return e / (1.f + e);
}

// x - tanh(x) cancels for small |x| (x = 0.1 would lose 10 of 24 bits), so below 0.5 use the
// Taylor series x^3/3 - 2x^5/15 + ... ; 8 terms reach float precision at |x| = 0.5 (terms shrink ~x^2/2.5).
HHNN_HD inline float hhnn_tanhshrink(float x) {
    if (fabsf(x) < 0.5f) {
        float x2 = x * x;
        float p = -6404582.f / 10854718875.f;
        p = p * x2 + 929569.f / 638512875.f;
        p = p * x2 - 21844.f / 6081075.f;
        p = p * x2 + 1382.f / 155925.f;
        p = p * x2 - 62.f / 2835.f;
        p = p * x2 + 17.f / 315.f;
        p = p * x2 - 2.f / 15.f;
        p = p * x2 + 1.f / 3.f;
        return x * x2 * p;
    }
    return x - tanhf(x);
}

// log(1 + e^x) with the linear tail above 20, where log1p(e^-x) < 2e-9 is below float resolution.
HHNN_HD inline float hhnn_softplus(float x) {
    return x > 20.f ? x : log1pf(expf(x));
}

HHNN_HD inline float hhnn_unary(int op, float x) {
    switch (op) {
        case HHNN_UNARY_IDENTITY:   return x;
        case HHNN_UNARY_RELU:       return x > 0.f ? x : 0.f;   // NaN -> 0, as the reference
        case HHNN_UNARY_SIGMOID:    return hhnn_sigmoid(x);
        case HHNN_UNARY_TANH:       return tanhf(x);
        case HHNN_UNARY_TANHSHRINK: return hhnn_tanhshrink(x);
        case HHNN_UNARY_SOFTPLUS:   return hhnn_softplus(x);
        case HHNN_UNARY_EXP:        return expf(x);
        case HHNN_UNARY_LOG:        return logf(x);
        default:                    return NAN;   // unknown op code: make the mistake visible
    }
}

// f'(x) given x and y = f(x).
HHNN_HD inline float hhnn_unary_grad(int op, float x, float y) {
    switch (op) {
        case HHNN_UNARY_IDENTITY:   return 1.f;
        case HHNN_UNARY_RELU:       return x > 0.f ? 1.f : 0.f;
        case HHNN_UNARY_SIGMOID:    return y * (1.f - y);
        case HHNN_UNARY_TANH:       return (1.f - y) * (1.f + y);   // = 1 - y^2 without cancelling near |y| = 1
        case HHNN_UNARY_TANHSHRINK: { float t = tanhf(x); return t * t; }
        case HHNN_UNARY_SOFTPLUS:   return hhnn_sigmoid(x);
        case HHNN_UNARY_EXP:        return y;
        case HHNN_UNARY_LOG:        return 1.f / x;
        default:                    return NAN;
    }
}
