// kernels/conv.cuh — the index math of the 2-d window primitives (im2col / col2im, max and average pooling), shared by
// the kernels in conv.cu and the cpu loops in native/cpu_conv.cpp: the geometry, and which outputs' windows cover an
// input position (what a gather-style backward sums over).
// Semantics: Backend.im2col … avgPoolBackward javadoc; geometry = org.hhnn.backend.ConvGeom (its pack() order).
// Java twin (independent): org.hhnn.backend.ReferenceConv. Tested by: ConvParityTest, CudaConvParityTest.
#pragma once
#include <math.h>
#include "common.cuh"

// NCHW input (B, C, H, W), a KH x KW window moved by stride S, zero padding P; output (OH, OW) per plane.
struct ConvGeom {
    int B, C, H, W, KH, KW, S, P, OH, OW;
};

// The input row (or column) that output o reads at kernel offset k: o·S − P + k (may be padding: < 0 or ≥ size).
HHNN_HD inline int hhnn_conv_src(int o, int k, int S, int P) { return o * S - P + k; }

// The outputs [*lo, *hi) along one axis whose window covers input i: o·S − P ≤ i ≤ o·S − P + K − 1, 0 ≤ o < O.
HHNN_HD inline void hhnn_window_range(int i, int K, int S, int P, int O, int* lo, int* hi) {
    int a = i + P - K + 1;                   // o·S ≥ a
    int l = a <= 0 ? 0 : (a + S - 1) / S;
    int h = (i + P) / S + 1;                 // o·S ≤ i + P (≥ 0)
    *lo = l;
    *hi = h < O ? h : O;
}

// ---- batch norm: per-channel sums (Backend.batchNorm / batchNormBackward; one thread or loop iteration per channel)

// Channel c's statistics: training = batch mean and biased variance in double (two passes, o then i), and the
// running-stat update (unbiased variance, momentum); eval = the running statistics. x (outer, channels, inner).
HHNN_HD inline void hhnn_bn_channel_stats(const float* x, long c, int outer, int channels, int inner, float momentum,
                                          float eps, int training, float* runMean, float* runVar, double* mu,
                                          double* rs) {
    if (!training) {
        *mu = runMean[c];
        *rs = 1.0 / sqrt((double)runVar[c] + (double)eps);
        return;
    }
    long n = (long)outer * inner;
    double s = 0.0;
    for (int o = 0; o < outer; o++) {
        const float* xr = x + ((long)o * channels + c) * inner;
        for (int i = 0; i < inner; i++) s += xr[i];
    }
    double m = s / (double)n, v = 0.0;
    for (int o = 0; o < outer; o++) {
        const float* xr = x + ((long)o * channels + c) * inner;
        for (int i = 0; i < inner; i++) {
            double d = xr[i] - m;
            v += d * d;
        }
    }
    v /= (double)n;
    double unbiased = n > 1 ? v * (double)n / (double)(n - 1) : v;
    runMean[c] = (float)((1.0 - (double)momentum) * runMean[c] + (double)momentum * m);
    runVar[c] = (float)((1.0 - (double)momentum) * runVar[c] + (double)momentum * unbiased);
    *mu = m;
    *rs = 1.0 / sqrt(v + (double)eps);
}

// Σ dy and Σ dy·x̂ over channel c (x̂ = (x − mu)·rs), in double, o then i.   x, dy (outer, channels, inner).
HHNN_HD inline void hhnn_bn_channel_grad_sums(const float* x, const float* dy, long c, int outer, int channels,
                                              int inner, double mu, double rs, double* sdy, double* sdyx) {
    double a = 0.0, b = 0.0;
    for (int o = 0; o < outer; o++) {
        long base = ((long)o * channels + c) * inner;
        for (int i = 0; i < inner; i++) {
            double g = dy[base + i];
            a += g;
            b += g * ((x[base + i] - mu) * rs);
        }
    }
    *sdy = a;
    *sdyx = b;
}
