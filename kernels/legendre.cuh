// kernels/legendre.cuh — Legendre polynomials P_k(x) and derivatives P_k'(x) by their three-term recurrences,
// float32, and the clamp of the activations' argument.
// Equations: DESIGN.md § "HH layer: the exact model" (readout; paper 2.4/3.4); contract: Backend.legendreForward,
// legendreBackward, legendreBasis, legendreBasisBackward and hhForward's basisSum.
// Twins: org.hhnn.backend.ReferenceLegendre (Java, written independently), native/cpu_legendre.cpp and
// native/cpu_hh.cpp (SIMD loops over these functions), kernels/legendre.cu and kernels/hh.cu (GPU).
// Tested by: LegendreParityTest and HhParityTest
// (mvn -B -o test -pl java -Dtest='LegendreParityTest,HhParityTest' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Plain C-style (nvcc, g++ and the EmulatedDevice shim compile it): no std::, no exceptions, no static data.
// Callers step k themselves (P_k lives in registers, one k at a time), so the recurrences are given as
// one-step functions rather than as a loop filling an array.
#pragma once
#include "common.cuh"

// clamp(x, −1, 1); NaN passes through (both comparisons are false).
HHNN_HD inline float legendre_clamp(float x) { return x < -1.f ? -1.f : (x > 1.f ? 1.f : x); }

// Whether the clamp passes a gradient at x: on [−1, 1] (Backend javadoc: "0 where |x| > 1"; at exactly ±1 the
// polynomial's own derivative is used). NaN passes none, as in the reference.
HHNN_HD inline bool legendre_inside(float x) { return x >= -1.f && x <= 1.f; }

// (k+1)P_{k+1} = (2k+1)x P_k − k P_{k−1}, written with b_k = k/(k+1) (and (2k+1)/(k+1) = 1 + b_k) as
//   P_{k+1} = x P_k + b_k (x P_k − P_{k−1}).
// Arranged so, it is exact at x = ±1 whatever b_k's rounding (x P_k − P_{k−1} = 0 there): P_k(±1) = (±1)^k and
// the derivatives P'_k(±1) = (±1)^{k+1} k(k+1)/2 stay exact integers (the plain form a_k x P_k − b_k P_{k−1} drifts
// by ~k ulp at the ends, and the derivative recurrence multiplies that by up to 2k+1). Loops hoist b_k out of their
// element loop, so no element pays a division. Start: P_0 = 1, P_1 = x (legendre_step with k = 0 gives it too).
HHNN_HD inline float legendre_b(int k) { return (float)k / (float)(k + 1); }

HHNN_HD inline float legendre_step(float b, float x, float pk, float pkm1) {
    float t = x * pk;
    return t + b * (t - pkm1);
}

// The plain form P_{k+1} = a_k x P_k − b_k P_{k−1}, a_k = (2k+1)/(k+1), as kernels/hh.cu and legendre.cu use it;
// legendre_step is the more accurate choice (exact at ±1).
HHNN_HD inline float legendre_a(int k) { return (float)(2 * k + 1) / (float)(k + 1); }
HHNN_HD inline float legendre_next(float a, float b, float x, float pk, float pkm1) { return a * x * pk - b * pkm1; }

// P'_{k+1}(x) = P'_{k−1}(x) + (2k+1) P_k(x) (start: P'_0 = 0, P'_1 = 1); exact for every x, no division.
HHNN_HD inline float legendre_next_grad(int k, float pk, float dpkm1) { return dpkm1 + (float)(2 * k + 1) * pk; }

// Σ_{k=1..D} w[k]·P'_k(x) for x in [−1, 1] (P'_0 = 0, so w[0] is not read), by the two recurrences above: the slope of
// the readout Σ_k w[k]·P_k at x.
HHNN_HD inline float legendre_slope(const float* w, int degree, float x) {
    float pk = x, pkm1 = 1.f, dpk = 1.f, dpkm1 = 0.f, s = 0.f;
    for (int k = 1; k <= degree; k++) {   // at entry pk = P_k, dpk = P'_k
        s += w[k] * dpk;
        float pn = legendre_next(legendre_a(k), legendre_b(k), x, pk, pkm1);
        float dpn = legendre_next_grad(k, pk, dpkm1);
        pkm1 = pk;
        pk = pn;
        dpkm1 = dpk;
        dpk = dpn;
    }
    return s;
}
