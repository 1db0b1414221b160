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

// ---- pooling: one output's window, one input's covering windows (g->P may pad) ------------------------------------

// The first maximum under '>' in (ky, kx) order of output (oy, ox)'s window over one plane xp, padding skipped:
// returns its position iy·W + ix and its value in *v (−1 and 0 if the window lies wholly in padding). NaN never wins.
HHNN_HD inline int hhnn_max_pool_window(const ConvGeom* g, const float* xp, int oy, int ox, float* v) {
    int best = -1;
    float bv = 0.f;
    for (int ky = 0; ky < g->KH; ky++) {
        int iy = hhnn_conv_src(oy, ky, g->S, g->P);
        if (iy < 0 || iy >= g->H) continue;
        for (int kx = 0; kx < g->KW; kx++) {
            int ix = hhnn_conv_src(ox, kx, g->S, g->P);
            if (ix < 0 || ix >= g->W) continue;
            float e = xp[iy * g->W + ix];
            if (best < 0 || e > bv) { best = iy * g->W + ix; bv = e; }
        }
    }
    *v = bv;
    return best;
}

// Σ of output (oy, ox)'s window over one plane xp, padding as 0, in (ky, kx) order, accumulated in double and rounded
// once: a window of random signs can cancel to a sum far below its terms, where a float sum keeps only a few digits
// (a 5x5 window summing to −3.2e−4 was off by 2.9e−5 relative in float).
HHNN_HD inline float hhnn_avg_pool_window_sum(const ConvGeom* g, const float* xp, int oy, int ox) {
    double s = 0.0;
    for (int ky = 0; ky < g->KH; ky++) {
        int iy = hhnn_conv_src(oy, ky, g->S, g->P);
        if (iy < 0 || iy >= g->H) continue;
        for (int kx = 0; kx < g->KW; kx++) {
            int ix = hhnn_conv_src(ox, kx, g->S, g->P);
            if (ix >= 0 && ix < g->W) s += xp[iy * g->W + ix];
        }
    }
    return (float)s;
}

// Σ of one output plane gp (OH, OW) over the windows that cover input (iy, ix), in (oy, ox) order, in double and
// rounded once (as above).
HHNN_HD inline float hhnn_covering_sum(const ConvGeom* g, const float* gp, int iy, int ix) {
    int y0, y1, x0, x1;
    hhnn_window_range(iy, g->KH, g->S, g->P, g->OH, &y0, &y1);
    hhnn_window_range(ix, g->KW, g->S, g->P, g->OW, &x0, &x1);
    double s = 0.0;
    for (int oy = y0; oy < y1; oy++)
        for (int ox = x0; ox < x1; ox++) s += gp[oy * g->OW + ox];
    return (float)s;
}

// ---- batch norm: per-channel sums (Backend.batchNorm / batchNormBackward; one thread or loop iteration per channel)

// The channel sums below run four interleaved double partial sums (element i of a row goes to lane i mod 4, rows in
// order) and add the lanes in a fixed order at the end: the same bits on every backend, and on the host the four
// lanes fit one vector, where a single running double sum is a serial chain of adds (batch norm was 17 % of a
// DenseNet step that way).
struct HhnnSum4 { double l0, l1, l2, l3; };

HHNN_HD inline double hhnn_sum4_total(HhnnSum4 s) { return (s.l0 + s.l1) + (s.l2 + s.l3); }

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
    int body = inner & ~3;
    HhnnSum4 s = {0.0, 0.0, 0.0, 0.0};
    for (int o = 0; o < outer; o++) {
        const float* xr = x + ((long)o * channels + c) * inner;
        for (int i = 0; i < body; i += 4) {
            s.l0 += xr[i];
            s.l1 += xr[i + 1];
            s.l2 += xr[i + 2];
            s.l3 += xr[i + 3];
        }
        for (int i = body; i < inner; i++) s.l0 += xr[i];
    }
    double m = hhnn_sum4_total(s) / (double)n;
    HhnnSum4 q = {0.0, 0.0, 0.0, 0.0};
    for (int o = 0; o < outer; o++) {
        const float* xr = x + ((long)o * channels + c) * inner;
        for (int i = 0; i < body; i += 4) {
            double d0 = xr[i] - m, d1 = xr[i + 1] - m, d2 = xr[i + 2] - m, d3 = xr[i + 3] - m;
            q.l0 += d0 * d0;
            q.l1 += d1 * d1;
            q.l2 += d2 * d2;
            q.l3 += d3 * d3;
        }
        for (int i = body; i < inner; i++) {
            double d = xr[i] - m;
            q.l0 += d * d;
        }
    }
    double v = hhnn_sum4_total(q) / (double)n;
    double unbiased = n > 1 ? v * (double)n / (double)(n - 1) : v;
    runMean[c] = (float)((1.0 - (double)momentum) * runMean[c] + (double)momentum * m);
    runVar[c] = (float)((1.0 - (double)momentum) * runVar[c] + (double)momentum * unbiased);
    *mu = m;
    *rs = 1.0 / sqrt(v + (double)eps);
}

// Σ dy and Σ dy·x̂ over channel c (x̂ = (x − mu)·rs), in double, o then i, four lanes as above.
// x, dy (outer, channels, inner).
HHNN_HD inline void hhnn_bn_channel_grad_sums(const float* x, const float* dy, long c, int outer, int channels,
                                              int inner, double mu, double rs, double* sdy, double* sdyx) {
    int body = inner & ~3;
    HhnnSum4 a = {0.0, 0.0, 0.0, 0.0}, b = {0.0, 0.0, 0.0, 0.0};
    for (int o = 0; o < outer; o++) {
        const float *xr = x + ((long)o * channels + c) * inner, *gr = dy + ((long)o * channels + c) * inner;
        for (int i = 0; i < body; i += 4) {
            double g0 = gr[i], g1 = gr[i + 1], g2 = gr[i + 2], g3 = gr[i + 3];
            a.l0 += g0;
            a.l1 += g1;
            a.l2 += g2;
            a.l3 += g3;
            b.l0 += g0 * ((xr[i] - mu) * rs);
            b.l1 += g1 * ((xr[i + 1] - mu) * rs);
            b.l2 += g2 * ((xr[i + 2] - mu) * rs);
            b.l3 += g3 * ((xr[i + 3] - mu) * rs);
        }
        for (int i = body; i < inner; i++) {
            double g = gr[i];
            a.l0 += g;
            b.l0 += g * ((xr[i] - mu) * rs);
        }
    }
    *sdy = hhnn_sum4_total(a);
    *sdyx = hhnn_sum4_total(b);
}
