// native/cpu_conv.cpp — the cpu backend's convolution-side primitives (modulated CNN / DenseNet, DESIGN.md
// § Modulated activations): im2col, col2im, the CNHW <-> NCHW axis swap, per-channel bias and its reduction, max and
// average pooling (+ backward), batch norm (+ backward), channel concat / split.
// Index math: kernels/conv.cuh (shared with kernels/conv.cu). Java twin: CheckedBackend (validation) ↔ Backend.im2col …,
// reference ReferenceConv. Tested by: ConvParityTest
// (mvn -B -o test -pl java -Dtest=ConvParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// Layout of the work: im2col runs one task per (cols row, image): each (oy) line is a strided copy whose in-range
// span [lo, hi) is computed once, so the inner loop has no bounds test. col2im, pooling and their backward passes run
// one task per (b, c) plane, each plane written by one thread in a fixed order: results do not depend on the thread
// count. Per-channel reductions (bias gradient, batch-norm statistics) run one task per channel, summed in double.
#include <string.h>
#include <math.h>
#include <atomic>
#include <string>
#include "conv.cuh"
#include "cpu_conv_rows.h"
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

#define GEOM_PARAMS jint B, jint C, jint H, jint W, jint KH, jint KW, jint S, jint P

namespace {

// Runs f(i) for i in [0, n) in parallel when the whole job (work elements) pays for the threads.
template <class F>
void par_for(long n, long work, F&& f) {
    bool par = n > 1 && work >= kParallelMin && threads() > 1;
#pragma omp parallel for schedule(static) num_threads(threads()) if (par)
    for (long i = 0; i < n; i++) f(i);
}

}  // namespace

HHNN_JNI(void, im2col)(JNIEnv* env, jobject, jlong x, jlong cols, GEOM_PARAMS) {
    guard(env, "im2col", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* X = fp(x);   // (B, C, H, W)
        float* O = fp(cols);      // (C·KH·KW, B·OH·OW)
        const long ncol = (long)g.B * g.OH * g.OW, rows = (long)g.C * g.KH * g.KW;
        par_for(rows * g.B, rows * ncol, [&](long t) {
            long row = t / g.B;
            int b = (int)(t % g.B);
            int kx = (int)(row % g.KW), ky = (int)(row / g.KW % g.KH), c = (int)(row / ((long)g.KW * g.KH));
            im2col_row(g, X + ((long)b * g.C + c) * g.H * g.W, ky, kx, O + row * ncol + (long)b * g.OH * g.OW);
        });
    });
}

HHNN_JNI(void, col2im)(JNIEnv* env, jobject, jlong cols, jlong x, GEOM_PARAMS) {
    guard(env, "col2im", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* O = fp(cols);   // (C·KH·KW, B·OH·OW)
        float* X = fp(x);            // (B, C, H, W), accumulated
        const long ncol = (long)g.B * g.OH * g.OW;
        par_for((long)g.B * g.C, (long)g.C * g.KH * g.KW * ncol, [&](long t) {
            int b = (int)(t / g.C), c = (int)(t % g.C);
            // The rows (c, ky, kx) of image b: c·KH·KW consecutive rows of length ncol, starting at column b·OH·OW.
            col2im_plane(g, O + (long)c * g.KH * g.KW * ncol + (long)b * g.OH * g.OW, ncol, X + t * g.H * g.W);
        });
    });
}

HHNN_JNI(void, swapAxes)(JNIEnv* env, jobject, jlong x, jlong y, jint a, jint b, jint inner) {
    guard(env, "swapAxes", [&] {
        const float* X = fp(x);   // (a, b, inner)
        float* Y = fp(y);         // (b, a, inner)
        par_for((long)a * b, (long)a * b * inner, [&](long t) {   // t = (j, i): one inner block of y
            long j = t / a, i = t % a;
            memcpy(Y + t * inner, X + (i * b + j) * inner, sizeof(float) * inner);
        });
    });
}

HHNN_JNI(void, addChannelBias)(JNIEnv* env, jobject, jlong x, jlong bias, jlong y, jint outer, jint channels, jint inner) {
    guard(env, "addChannelBias", [&] {
        const float* X = fp(x);      // (outer, channels, inner)
        const float* Bv = fp(bias);  // (channels)
        float* Y = fp(y);            // (outer, channels, inner), may alias x
        par_for((long)outer * channels, (long)outer * channels * inner, [&](long t) {
            float bv = Bv[t % channels];
            const float* xr = X + t * inner;
            float* yr = Y + t * inner;
#pragma omp simd
            for (int i = 0; i < inner; i++) yr[i] = xr[i] + bv;
        });
    });
}

HHNN_JNI(void, sumChannels)(JNIEnv* env, jobject, jlong x, jlong y, jint outer, jint channels, jint inner, jfloat beta) {
    guard(env, "sumChannels", [&] {
        const float* X = fp(x);   // (outer, channels, inner)
        float* Y = fp(y);         // (channels)
        par_for(channels, (long)outer * channels * inner, [&](long c) {
            double s = 0.0;
            for (long o = 0; o < outer; o++) {
                const float* xr = X + (o * channels + c) * inner;
                double r = 0.0;
#pragma omp simd reduction(+ : r)
                for (int i = 0; i < inner; i++) r += xr[i];
                s += r;
            }
            Y[c] = (float)((beta == 0.f ? 0.0 : (double)beta * Y[c]) + s);
        });
    });
}

// maxPool of one plane xp when every window lies inside it (P = 0): no bounds tests, and selects instead of branches
// so the ox loop vectorises. The first place of a window wins unless a later value is > (so a NaN there stays), as
// in the general loop. KH_, KW_: the window at compile time (2x2, unrolled), or 0 for g's.
template <int KH_, int KW_>
static void max_pool_inside(const ConvGeom& g, const float* xp, float* yp, float* ap) {
    const int KH = KH_ ? KH_ : g.KH, KW = KW_ ? KW_ : g.KW;
    for (int oy = 0; oy < g.OH; oy++) {
        const int row0 = oy * g.S * g.W;
        float* yo = yp + (long)oy * g.OW;
        float* ao = ap + (long)oy * g.OW;
#pragma omp simd
        for (int ox = 0; ox < g.OW; ox++) {
            const int base = row0 + ox * g.S;
            float bv = xp[base];
            int best = base;
            for (int ky = 0; ky < KH; ky++)
                for (int kx = ky == 0 ? 1 : 0; kx < KW; kx++) {
                    const int at = base + ky * g.W + kx;
                    const float v = xp[at];
                    const bool gt = v > bv;
                    bv = gt ? v : bv;
                    best = gt ? at : best;
                }
            yo[ox] = bv;
            ao[ox] = (float)best;
        }
    }
}

HHNN_JNI(void, maxPool)(JNIEnv* env, jobject, jlong x, jlong y, jlong argmax, GEOM_PARAMS) {
    guard(env, "maxPool", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* X = fp(x);   // (B, C, H, W)
        float* Y = fp(y);         // (B, C, OH, OW)
        float* A = fp(argmax);    // (B, C, OH, OW)
        par_for((long)g.B * g.C, (long)g.B * g.C * g.OH * g.OW * g.KH * g.KW, [&](long p) {
            const float* xp = X + p * g.H * g.W;
            if (g.P == 0) {   // every window lies inside the plane
                float *yp = Y + p * g.OH * g.OW, *ap = A + p * g.OH * g.OW;
                if (g.KH == 2 && g.KW == 2) max_pool_inside<2, 2>(g, xp, yp, ap);
                else max_pool_inside<0, 0>(g, xp, yp, ap);
                return;
            }
            for (int oy = 0; oy < g.OH; oy++)
                for (int ox = 0; ox < g.OW; ox++) {
                    float bv;
                    int best = hhnn_max_pool_window(&g, xp, oy, ox, &bv);
                    long o = (p * g.OH + oy) * g.OW + ox;
                    Y[o] = bv;
                    A[o] = (float)best;
                }
        });
    });
}

HHNN_JNI(void, maxPoolBackward)(JNIEnv* env, jobject, jlong dy, jlong argmax, jlong dx, GEOM_PARAMS) {
    guard(env, "maxPoolBackward", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* DY = fp(dy);    // (B, C, OH, OW)
        const float* A = fp(argmax); // (B, C, OH, OW), positions checked below
        float* DX = fp(dx);          // (B, C, H, W)
        const long hw = (long)g.H * g.W, ohw = (long)g.OH * g.OW;
        std::atomic<bool> bad{false};   // an argmax outside the plane is skipped here and reported after the loop
        par_for((long)g.B * g.C, (long)g.B * g.C * (hw + ohw), [&](long p) {
            float* d = DX + p * hw;
            memset(d, 0, sizeof(float) * hw);
            for (long o = 0; o < ohw; o++) {   // (oy, ox) order, as the kernel
                float a = A[p * ohw + o];
                if (!(a >= 0.f && a < (float)hw)) { bad.store(true, std::memory_order_relaxed); continue; }
                d[(long)a] += DY[p * ohw + o];
            }
        });
        if (bad.load()) throw IllegalArgument("argmax holds a position outside the " + std::to_string(g.H) + "x"
                                              + std::to_string(g.W) + " plane (not an output of maxPool with this geometry)");
    });
}

HHNN_JNI(void, avgPool)(JNIEnv* env, jobject, jlong x, jlong y, GEOM_PARAMS) {
    guard(env, "avgPool", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* X = fp(x);   // (B, C, H, W)
        float* Y = fp(y);         // (B, C, OH, OW)
        const float inv = 1.f / (float)(g.KH * g.KW);
        par_for((long)g.B * g.C, (long)g.B * g.C * g.OH * g.OW * g.KH * g.KW, [&](long p) {
            const float* xp = X + p * g.H * g.W;
            for (int oy = 0; oy < g.OH; oy++)
                for (int ox = 0; ox < g.OW; ox++) {
                    float s = hhnn_avg_pool_window_sum(&g, xp, oy, ox);
                    Y[(p * g.OH + oy) * g.OW + ox] = s * inv;
                }
        });
    });
}

HHNN_JNI(void, avgPoolBackward)(JNIEnv* env, jobject, jlong dy, jlong dx, GEOM_PARAMS) {
    guard(env, "avgPoolBackward", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* DY = fp(dy);   // (B, C, OH, OW)
        float* DX = fp(dx);         // (B, C, H, W)
        const float inv = 1.f / (float)(g.KH * g.KW);
        par_for((long)g.B * g.C, (long)g.B * g.C * g.H * g.W * g.KH * g.KW, [&](long p) {
            float* d = DX + p * g.H * g.W;
            const float* gp = DY + p * g.OH * g.OW;
            for (int iy = 0; iy < g.H; iy++)
                for (int ix = 0; ix < g.W; ix++)   // gather over the covering windows, as the kernel
                    d[iy * g.W + ix] = hhnn_covering_sum(&g, gp, iy, ix) * inv;
        });
    });
}

HHNN_JNI(void, batchNorm)(JNIEnv* env, jobject, jlong x, jlong gamma, jlong beta, jlong runMean, jlong runVar,
                          jlong y, jlong mean, jlong rstd, jint outer, jint channels, jint inner,
                          jfloat momentum, jfloat eps, jboolean training) {
    guard(env, "batchNorm", [&] {
        const float* X = fp(x);   // (outer, channels, inner)
        const float *G = fp(gamma), *Bt = fp(beta);   // (channels)
        float *RM = fp(runMean), *RV = fp(runVar), *MU = fp(mean), *RS = fp(rstd);   // (channels)
        float* Y = fp(y);         // (outer, channels, inner)
        par_for(channels, (long)outer * channels * inner * 3, [&](long c) {
            double mu, rs;
            hhnn_bn_channel_stats(X, c, outer, channels, inner, momentum, eps, training, RM, RV, &mu, &rs);
            MU[c] = (float)mu;
            RS[c] = (float)rs;
            // The same float expression as the kernel's apply step.
            const float m = (float)mu, r = (float)rs, gm = G[c], bt = Bt[c];
            for (long o = 0; o < outer; o++) {
                const float* xr = X + (o * channels + c) * inner;
                float* yr = Y + (o * channels + c) * inner;
#pragma omp simd
                for (int i = 0; i < inner; i++) yr[i] = (xr[i] - m) * r * gm + bt;
            }
        });
    });
}

HHNN_JNI(void, batchNormBackward)(JNIEnv* env, jobject, jlong x, jlong gamma, jlong mean, jlong rstd, jlong dy,
                                  jlong dx, jlong dgamma, jlong dbeta, jint outer, jint channels, jint inner) {
    guard(env, "batchNormBackward", [&] {
        const float *X = fp(x), *DY = fp(dy);                      // (outer, channels, inner)
        const float *G = fp(gamma), *MU = fp(mean), *RS = fp(rstd); // (channels)
        float* DX = fp(dx);                                         // (outer, channels, inner)
        float *DG = fp(dgamma), *DB = fp(dbeta);                    // (channels), accumulated
        const double n = (double)outer * inner;
        par_for(channels, (long)outer * channels * inner * 2, [&](long c) {
            const double mu = MU[c], rs = RS[c];
            double sdy, sdyx;
            hhnn_bn_channel_grad_sums(X, DY, c, outer, channels, inner, mu, rs, &sdy, &sdyx);
            const double mdy = n > 0 ? sdy / n : 0.0, mdyx = n > 0 ? sdyx / n : 0.0, k = G[c] * rs;
            for (long o = 0; o < outer; o++) {
                const float *xr = X + (o * channels + c) * inner, *gr = DY + (o * channels + c) * inner;
                float* dr = DX + (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) dr[i] = (float)(k * (gr[i] - mdy - (xr[i] - mu) * rs * mdyx));
            }
            DG[c] = (float)(DG[c] + sdyx);
            DB[c] = (float)(DB[c] + sdy);
        });
    });
}

// dst[o, dstStart + c, i] = src[o, srcStart + c, i] for c < count: one contiguous block of count·inner per o.
static void copy_channels(const float* src, int srcC, int srcStart, float* dst, int dstC, int dstStart, int count,
                          int outer, int inner) {
    const long blk = (long)count * inner;
    par_for(outer, (long)outer * blk, [&](long o) {
        memcpy(dst + (o * dstC + dstStart) * inner, src + (o * srcC + srcStart) * inner, sizeof(float) * blk);
    });
}

HHNN_JNI(void, concatChannels)(JNIEnv* env, jobject, jlong a, jlong b, jlong y, jint outer, jint ca, jint cb, jint inner) {
    guard(env, "concatChannels", [&] {
        copy_channels(fp(a), ca, 0, fp(y), ca + cb, 0, ca, outer, inner);    // a (outer, ca, inner) -> y (outer, ca+cb, inner)
        copy_channels(fp(b), cb, 0, fp(y), ca + cb, ca, cb, outer, inner);   // b (outer, cb, inner)
    });
}

HHNN_JNI(void, splitChannels)(JNIEnv* env, jobject, jlong y, jlong a, jlong b, jint outer, jint ca, jint cb, jint inner) {
    guard(env, "splitChannels", [&] {
        if (a) copy_channels(fp(y), ca + cb, 0, fp(a), ca, 0, ca, outer, inner);
        if (b) copy_channels(fp(y), ca + cb, ca, fp(b), cb, 0, cb, outer, inner);
    });
}
