// native/cpu_conv_rows.h — one image's im2col / col2im lines, shared by the batch primitives (cpu_conv.cpp: im2col,
// col2im) and the fused convolution (cpu_conv2d.cpp), so that the strided-copy logic exists once.
// Index math: kernels/conv.cuh. Tested by: ConvParityTest (im2col, col2im, conv2d, conv2dBackward).
#pragma once
#include <string.h>
#include "conv.cuh"

namespace hhnn {

inline ConvGeom make_geom(int B, int C, int H, int W, int KH, int KW, int S, int P) {
    return ConvGeom{B, C, H, W, KH, KW, S, P, (H + 2 * P - KH) / S + 1, (W + 2 * P - KW) / S + 1};
}

// The outputs o in [lo, hi) (of O) whose source o·S − P + k lies inside [0, size).
inline void inside_span(int k, int S, int P, int size, int O, int* lo, int* hi) {
    int first = P - k;                                   // o·S ≥ P − k
    int l = first <= 0 ? 0 : (first + S - 1) / S;
    int last = size - 1 + P - k;                         // o·S ≤ size − 1 + P − k
    int h = last < 0 ? 0 : last / S + 1;
    *lo = l;
    *hi = h < O ? h : O;
    if (*hi < *lo) *hi = *lo;
}

// dst (OH·OW) = the cols row (c, ky, kx) of one image whose channel-c plane is `plane` (H, W): each (oy) line is a
// strided copy whose in-range span is computed once, so the inner loop has no bounds test.
inline void im2col_row(const ConvGeom& g, const float* plane, int ky, int kx, float* dst) {
    int lo, hi;
    inside_span(kx, g.S, g.P, g.W, g.OW, &lo, &hi);
    for (int oy = 0; oy < g.OH; oy++, dst += g.OW) {
        int iy = hhnn_conv_src(oy, ky, g.S, g.P);
        if (iy < 0 || iy >= g.H) { memset(dst, 0, sizeof(float) * g.OW); continue; }
        const float* src = plane + (long)iy * g.W - g.P + kx;   // src[ox·S] = x[iy, ox·S − P + kx]
        for (int ox = 0; ox < lo; ox++) dst[ox] = 0.f;
        if (g.S == 1) memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
        else
            for (int ox = lo; ox < hi; ox++) dst[ox] = src[(long)ox * g.S];
        for (int ox = hi; ox < g.OW; ox++) dst[ox] = 0.f;
    }
}

// plane (H, W) += the cols rows (c, ky, kx) of one image, row (ky, kx) at src + (ky·KW + kx)·ld, in (ky, kx) order.
inline void col2im_plane(const ConvGeom& g, const float* src, long ld, float* plane) {
    for (int ky = 0; ky < g.KH; ky++)
        for (int kx = 0; kx < g.KW; kx++) {
            int lo, hi;
            inside_span(kx, g.S, g.P, g.W, g.OW, &lo, &hi);
            const float* row = src + ((long)ky * g.KW + kx) * ld;
            for (int oy = 0; oy < g.OH; oy++) {
                int iy = hhnn_conv_src(oy, ky, g.S, g.P);
                if (iy < 0 || iy >= g.H) continue;
                float* dst = plane + (long)iy * g.W - g.P + kx;
                const float* sr = row + (long)oy * g.OW;
                if (g.S == 1) {
#pragma omp simd
                    for (int ox = lo; ox < hi; ox++) dst[ox] += sr[ox];
                } else {
                    for (int ox = lo; ox < hi; ox++) dst[(long)ox * g.S] += sr[ox];
                }
            }
        }
}

}  // namespace hhnn
