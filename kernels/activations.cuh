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

// ---- exp as plain arithmetic ------------------------------------------------------------------------------------
// On the host these are written out because glibc's vector expf is only declared to the compiler under -ffast-math,
// which the backend must not use: this form vectorises in any `omp simd` loop. On the GPU, exp2f / expf.

#define HHNN_LOG2E 1.44269504088896341f
#define HHNN_EXP2_MIN -115.f   // 2^−115 ≈ e^−79.7 ≈ 2.4e−35: a normal float, and 0 to any precision that matters

// p(r)·2^n for r in [−1/2, 1/2] and t = n + 1.5·2^23 (n in the low mantissa bits), n in [−125, 127]. p is a
// degree-6 polynomial fitted to 2^r for least relative error (≤ 2e−9 on the interval, so float32 rounding dominates:
// ≤ 1.3 ulp over hhnn_exp2's range, measured against double exp2). Degree 5 was 6 % faster on W1 but up to 2.7 ulp.
HHNN_HD inline float hhnn_pow2_scaled(float t, float r) {
    float p = 1.5353362e-4f;
    p = fmaf(p, r, 1.3398875e-3f);
    p = fmaf(p, r, 9.6184369e-3f);
    p = fmaf(p, r, 5.5503324e-2f);
    p = fmaf(p, r, 2.4022648e-1f);
    p = fmaf(p, r, 6.9314718e-1f);
    p = fmaf(p, r, 1.f);
    union { float f; unsigned u; } tb, sc;
    tb.f = t;
    sc.u = (tb.u - 0x4B400000u + 127u) << 23;   // 2^n
    return p * sc.f;
}

// 2^y for y in [−125, 127]: callers bound y (hh.cuh: the rate exponents through the clamp of V, the gate decays by
// HHNN_EXP2_MIN). The range reduction r = y − round(y) is exact. NaN passes through.
HHNN_HD inline float hhnn_exp2(float y) {
#ifdef __CUDA_ARCH__
    return exp2f(y);
#else
    const float magic = 12582912.f;   // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
    float t = y + magic;
    float n = t - magic;
    return hhnn_pow2_scaled(t, y - n);
#endif
}

// e^x for x ≤ 88 (≤ 1.3 ulp measured): arguments below −80 are clamped (e^−80 ≈ 1.8e−35; the result is 0 to any
// precision that matters). NaN passes through (the comparison is false). One-sided on purpose: GCC folds a clamp's
// constant arm through the whole polynomial and then blends the constant results, so every extra arm costs compares,
// blends and sometimes a duplicated division per call. Cody-Waite reduction by ln 2 in two parts keeps large
// arguments accurate; then the base-2 polynomial. An exponent that is an affine form is cheaper through hhnn_exp2
// with log2(e) folded into its constants (hh.cuh does that).
#define HHNN_EXP_MIN -80.f

HHNN_HD inline float hhnn_exp(float x) {
    x = x < HHNN_EXP_MIN ? HHNN_EXP_MIN : x;
#ifdef __CUDA_ARCH__
    return expf(x);
#else
    const float magic = 12582912.f;
    float t = fmaf(x, HHNN_LOG2E, magic);
    float n = t - magic;                       // round(x / ln 2)
    float r = fmaf(n, -0.693359375f, x);       // ln 2 = 0.693359375 − 2.12194440e-4
    r = fmaf(n, 2.12194440e-4f, r);
    return hhnn_pow2_scaled(t, r * HHNN_LOG2E);
#endif
}

// σ(x) and tanh(x) as vectorisable arithmetic on the host (≤ 3 ulp measured; σ(x) below x = −80 is e^−80, not
// smaller), libm on the GPU. For `omp simd` loops compiled with FMA (HHNN_FMA_CLONES, native/cpu_parallel.h), where
// glibc's scalar expf/tanhf calls would dominate (the LSTM cell); loops without FMA clones keep hhnn_sigmoid and
// tanhf, since there each fmaf is a libm call. σ: e^{−|x|} only, so nothing overflows. tanh: Cephes' tanhf, an odd
// polynomial below |x| = 0.625 (where 1 − e^{−2|x|} would cancel), (1 − e)/(1 + e) with e = e^{−2|x|} ≤ 0.29 above.
HHNN_HD inline float hhnn_vsigmoid(float x) {
#ifdef __CUDA_ARCH__
    return hhnn_sigmoid(x);
#else
    float e = hhnn_exp(-fabsf(x));
    float big = 1.f / (1.f + e);
    return x >= 0.f ? big : e * big;
#endif
}

HHNN_HD inline float hhnn_vtanh(float x) {
#ifdef __CUDA_ARCH__
    return tanhf(x);
#else
    float a = fabsf(x), x2 = x * x;
    float p = -5.70498872745e-3f;
    p = fmaf(p, x2, 2.06390887954e-2f);
    p = fmaf(p, x2, -5.37397155531e-2f);
    p = fmaf(p, x2, 1.33314422036e-1f);
    p = fmaf(p, x2, -3.33332819422e-1f);
    float small = fmaf(p * x2, x, x);
    float e = hhnn_exp(-2.f * a);
    float big = copysignf((1.f - e) / (1.f + e), x);
    return a < 0.625f ? small : big;
#endif
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
