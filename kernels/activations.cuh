// kernels/activations.cuh — elementwise activations f(x) and f'(x) (given x and y = f(x)), float32, and the one list
// of unary op codes (HHNN_UNARY_OPS) that kernels/ and native/ dispatch on.
// Java twin: ReferenceBackend.apply / derivative; op codes = org.hhnn.backend.UnaryOp ordinals.
// Tested by: CoreParityCases.unaryForward / unaryBackward (every op, inputs in the op's domain; run by CpuParityTest
// and CudaEmulatedParityTest), ModulatedParityCases (the modulator subset).
#pragma once
#include <math.h>
#include "common.cuh"

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

// tanhshrink'(x) = 1 − tanh'(x) = tanh²(x).
HHNN_HD inline float hhnn_tanhshrink_grad(float x) {
    float t = tanhf(x);
    return t * t;
}

// ---- the op list --------------------------------------------------------------------------------------------------

// X(NAME, CODE, f(x), f'(x) in terms of x and y = f(x)), CODE = org.hhnn.backend.UnaryOp ordinal. The first five may
// also be a modulated activation or a modulator (org.hhnn.backend.ModulatedArgs checks that in Java): they are
// HHNN_UNARY_MOD_OPS, which native/'s modulated loops instantiate. relu maps NaN to 0, as the reference; tanh' is
// (1 − y)(1 + y), equal to 1 − y² without cancelling near |y| = 1.
#define HHNN_UNARY_MOD_OPS(X)                                                            \
    X(IDENTITY,   0, x,                  1.f)                                           \
    X(RELU,       1, x > 0.f ? x : 0.f,  x > 0.f ? 1.f : 0.f)                           \
    X(SIGMOID,    2, hhnn_sigmoid(x),    y * (1.f - y))                                 \
    X(TANH,       3, tanhf(x),           (1.f - y) * (1.f + y))                         \
    X(TANHSHRINK, 4, hhnn_tanhshrink(x), hhnn_tanhshrink_grad(x))
#define HHNN_UNARY_OPS(X)                                                                \
    HHNN_UNARY_MOD_OPS(X)                                                                \
    X(SOFTPLUS,   5, hhnn_softplus(x),   hhnn_sigmoid(x))                               \
    X(EXP,        6, expf(x),            y)                                             \
    X(LOG,        7, logf(x),            1.f / x)

#define HHNN_UNARY_ENUM_(NAME, CODE, F, DF) HHNN_UNARY_##NAME = CODE,
enum { HHNN_UNARY_OPS(HHNN_UNARY_ENUM_) HHNN_UNARY_COUNT };
#undef HHNN_UNARY_ENUM_

#define HHNN_UNARY_F_(NAME, CODE, F, DF) case CODE: return F;
#define HHNN_UNARY_DF_(NAME, CODE, F, DF) case CODE: return DF;

HHNN_HD inline float hhnn_unary(int op, float x) {
    switch (op) {
        HHNN_UNARY_OPS(HHNN_UNARY_F_)
        default: return NAN;   // unknown op code: make the mistake visible
    }
}

// f'(x) given x and y = f(x).
HHNN_HD inline float hhnn_unary_grad(int op, float x, float y) {
    switch (op) {
        HHNN_UNARY_OPS(HHNN_UNARY_DF_)
        default: return NAN;
    }
}
#undef HHNN_UNARY_F_
#undef HHNN_UNARY_DF_

// `case CODE: CALL(CODE); break;` for every op (CALL is the caller's macro): a loop templated on the op code, called
// from a switch over these cases, has hhnn_unary's switch folded away — one instantiation per op, the runtime switch
// once per call instead of once per element. HHNN_UNARY_MOD_CASES: the same over the modulator subset.
#define HHNN_UNARY_CALL_CASE_(NAME, CODE, F, DF) case CODE: CALL(CODE); break;
#define HHNN_UNARY_CASES HHNN_UNARY_OPS(HHNN_UNARY_CALL_CASE_)
#define HHNN_UNARY_MOD_CASES HHNN_UNARY_MOD_OPS(HHNN_UNARY_CALL_CASE_)

#ifndef __CUDACC__
// For native/'s nested dispatch (activation × modulator), which case lists cannot do (a macro does not expand inside
// its own expansion): calls f(HhnnOpCode<op>()) when op is a modulator code, else returns false. Host only.
template <int OP>
struct HhnnOpCode {
    static constexpr int value = OP;
};

template <class F>
inline bool hhnn_visit_mod_op(int op, F&& f) {
#define HHNN_UNARY_VISIT_CASE_(NAME, CODE, F_, DF_) case CODE: f(HhnnOpCode<CODE>()); return true;
    switch (op) {
        HHNN_UNARY_MOD_OPS(HHNN_UNARY_VISIT_CASE_)
        default: return false;
    }
#undef HHNN_UNARY_VISIT_CASE_
}
#endif
