// native/cpu_conv2d.cpp — the cpu backend's fused 2-d convolution (Backend.conv2d / conv2dBackward).
// Java twin: CheckedBackend.conv2d / conv2dBackward; reference ReferenceConv.conv2d. Tested by: ConvParityTest.
//
// Why fused: the unfused path (im2col of the whole batch, one gemm, swapAxes, bias) streams a cols matrix of
// C·kh·kw × B·OH·OW through memory (≈100 MB for W4's second layer) several times per step. Here each image is
// unfolded into a per-thread scratch that stays in L2, and its gemm writes straight into y's NCHW slice (no swap).
// Images run in parallel, each thread calling a single-threaded sgemm (OpenBLAS does not fork inside a parallel
// region); dynamic scheduling absorbs a core stolen by another process.
//
// Stride-1 kernels over C ≥ kShiftMinC channels skip the unfolding altogether ("shifted GEMM"): with the (padded)
// image flattened, output position q = oy·Wp + ox of tap (ky, kx) reads input q + ky·Wp + kx, so for each tap the
// input is one strided matrix (C, Np) and the conv is KH·KW gemms of K = C accumulating into a row-padded output
// (OC, Np), Np = (OH − 1)·Wp + OW, whose Wp − OW columns past each row are discarded. Backward: dW per tap is
// dy' · input_tapᵀ and dx accumulates Wᵀ_tap · dy' at the tap's offset, with dy' the gradient row-padded with zeros.
// (On W4's second layer: −16% forward, −27% dW, −35% dx against im2col + gemm, on this machine.) A non-finite
// weight or input can leak through the discarded columns (0·Inf) into dx or dW where the exact sums would not reach.
//
// Determinism: forward outputs are per image. The weight and bias gradients are sums over images: the batch is cut
// into a fixed number of groups (a function of B only), each group sums its images in order into its own partial,
// and the partials are added in group order in double, so the bits do not depend on the thread count.
#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <algorithm>
#include <memory>
#include <vector>
#include "cpu_conv_rows.h"
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

#define GEOM_PARAMS jint B, jint C, jint H, jint W, jint KH, jint KW, jint S, jint P

namespace {

// Groups of images whose weight-gradient partials are summed in order (enough for 16 threads to share).
constexpr int kGradGroups = 16;

// A 1x1, stride-1, unpadded kernel: an image's cols are the image itself (C, H·W).
bool is_pointwise(const ConvGeom& g) { return g.KH == 1 && g.KW == 1 && g.S == 1 && g.P == 0; }

// cols (C·KH·KW, OH·OW) of image xb (C, H, W).
void im2col_image(const ConvGeom& g, const float* xb, float* cols) {
    const long hw = (long)g.OH * g.OW;
    for (int c = 0; c < g.C; c++)
        for (int ky = 0; ky < g.KH; ky++)
            for (int kx = 0; kx < g.KW; kx++)
                im2col_row(g, xb + (long)c * g.H * g.W, ky, kx, cols + (((long)c * g.KH + ky) * g.KW + kx) * hw);
}

// Float scratch of n per thread, 64-byte aligned; allocated before any parallel region (nothing may throw inside).
struct Scratch {
    std::unique_ptr<float, decltype(&free)> mem{nullptr, &free};
    long per = 0;
    Scratch(int threads, long n) : per((n + 15) / 16 * 16) {
        if (per == 0) return;
        mem.reset(static_cast<float*>(aligned_alloc(64, sizeof(float) * per * threads)));
        if (!mem) throw std::bad_alloc();
    }
    float* of(int t) const { return per == 0 ? nullptr : mem.get() + per * t; }
};

// ---- shifted GEMM (stride 1) ----------------------------------------------------------------------------------

// Below this many input channels the per-tap gemms (K = C) are too thin: im2col + one gemm is faster.
constexpr int kShiftMinC = 8;

bool use_shifted(const ConvGeom& g) { return g.S == 1 && g.C >= kShiftMinC && !is_pointwise(g); }

// The padded plane (Hp, Wp) and the row-padded output width Np of the shifted-GEMM path.
struct Shift {
    int Hp, Wp, Np, taps;
    long plane;
    explicit Shift(const ConvGeom& g)
        : Hp(g.H + 2 * g.P), Wp(g.W + 2 * g.P), Np((g.OH - 1) * (g.W + 2 * g.P) + g.OW), taps(g.KH * g.KW),
          plane((long)(g.H + 2 * g.P) * (g.W + 2 * g.P)) {}
    long offset(const ConvGeom& g, int t) const { return (long)(t / g.KW) * Wp + t % g.KW; }
};

// Wr (taps, OC, C) = w (OC, C, KH·KW) regrouped by tap: each tap's (OC, C) matrix contiguous.
void regroup_taps(const float* Wt, int OC, const ConvGeom& g, float* Wr) {
    const int taps = g.KH * g.KW;
    for (int o = 0; o < OC; o++)
        for (int c = 0; c < g.C; c++)
            for (int t = 0; t < taps; t++) Wr[((long)t * OC + o) * g.C + c] = Wt[((long)o * g.C + c) * taps + t];
}

// The image as the shifted path reads it: xb itself without padding, else copied into pad (C, Hp, Wp), zero borders.
const float* padded_image(const ConvGeom& g, const Shift& sh, const float* xb, float* pad) {
    if (g.P == 0) return xb;
    std::fill(pad, pad + g.C * sh.plane, 0.f);
    for (int c = 0; c < g.C; c++)
        for (int iy = 0; iy < g.H; iy++)
            std::copy(xb + ((long)c * g.H + iy) * g.W, xb + ((long)c * g.H + iy + 1) * g.W,
                      pad + c * sh.plane + (long)(iy + g.P) * sh.Wp + g.P);
    return pad;
}

// dyw (OC, Np) = dy_b (OC, OH, OW) with each row padded to Wp by zeros (the last row unpadded).
void pad_rows(const ConvGeom& g, const Shift& sh, int OC, const float* dyb, float* dyw) {
    for (int o = 0; o < OC; o++)
        for (int oy = 0; oy < g.OH; oy++) {
            float* d = dyw + (long)o * sh.Np + (long)oy * sh.Wp;
            std::copy(dyb + ((long)o * g.OH + oy) * g.OW, dyb + ((long)o * g.OH + oy + 1) * g.OW, d);
            if (oy + 1 < g.OH) std::fill(d + g.OW, d + sh.Wp, 0.f);
        }
}

// yb (OC, OH, OW) = the row-padded yw (OC, Np) without its padding columns, + bias.
void unpad_rows(const ConvGeom& g, const Shift& sh, int OC, const float* yw, const float* Bv, float* yb) {
    for (int o = 0; o < OC; o++)
        for (int oy = 0; oy < g.OH; oy++) {
            const float* r = yw + (long)o * sh.Np + (long)oy * sh.Wp;
            float* d = yb + ((long)o * g.OH + oy) * g.OW;
            if (Bv) {
                const float bv = Bv[o];
#pragma omp simd
                for (int ox = 0; ox < g.OW; ox++) d[ox] = r[ox] + bv;
            } else {
                std::copy(r, r + g.OW, d);
            }
        }
}

// ---- both paths -----------------------------------------------------------------------------------------------

// Whether to run images in parallel: more than one image and enough work to pay for a fork/join.
bool parallel_images(const ConvGeom& g, int oc) {
    return g.B > 1 && threads() > 1 && (long)g.B * oc * g.OH * g.OW * g.C * g.KH * g.KW >= kParallelMin;
}

}  // namespace

HHNN_JNI(void, conv2d)(JNIEnv* env, jobject, jlong x, jlong w, jlong bias, jlong y, GEOM_PARAMS, jint OC) {
    guard(env, "conv2d", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* X = fp(x);                       // (B, C, H, W)
        const float* Wt = fp(w);                      // (OC, C·KH·KW)
        const float* Bv = bias ? fp(bias) : nullptr;  // (OC) or none
        float* Y = fp(y);                             // (B, OC, OH·OW)
        const int ck = g.C * g.KH * g.KW, hw = g.OH * g.OW;
        if (g.B == 0 || OC == 0 || hw == 0) return;
        const bool direct = is_pointwise(g), shifted = use_shifted(g), par = parallel_images(g, OC);
        const int nt = par ? threads() : 1;
        const Shift sh(g);
        sync_blas_threads();
        // Per thread: the image's cols, or for the shifted path its padded copy and the row-padded output.
        Scratch scratch(nt, direct || shifted ? 0 : (long)ck * hw), pad(nt, shifted && g.P ? g.C * sh.plane : 0),
            yw(nt, shifted ? (long)OC * sh.Np : 0);
        std::vector<float> wr(shifted ? (size_t)OC * ck : 0);
        if (shifted) regroup_taps(Wt, OC, g, wr.data());
#pragma omp parallel num_threads(nt) if (par)
        {
            const int t = omp_get_thread_num();
            float* cols = scratch.of(t);
#pragma omp for schedule(dynamic, 1)
            for (int b = 0; b < g.B; b++) {
                const float* xb = X + (long)b * g.C * g.H * g.W;
                float* yb = Y + (long)b * OC * hw;
                if (shifted) {   // Σ_taps W_tap (OC, C) · input_tap (C, Np), then the padding columns dropped
                    const float* src = padded_image(g, sh, xb, pad.of(t));
                    for (int k = 0; k < sh.taps; k++)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, OC, sh.Np, g.C, 1.f, wr.data() + (long)k * OC * g.C,
                                    g.C, src + sh.offset(g, k), sh.plane, k == 0 ? 0.f : 1.f, yw.of(t), sh.Np);
                    unpad_rows(g, sh, OC, yw.of(t), Bv, yb);
                    continue;
                }
                if (!direct) im2col_image(g, xb, cols);
                if (Bv)
                    for (int o = 0; o < OC; o++) std::fill(yb + (long)o * hw, yb + (long)(o + 1) * hw, Bv[o]);
                if (ck == 0) {
                    if (!Bv) std::fill(yb, yb + (long)OC * hw, 0.f);
                    continue;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, OC, hw, ck, 1.f, Wt, ck, direct ? xb : cols, hw,
                            Bv ? 1.f : 0.f, yb, hw);
            }
        }
    });
}

HHNN_JNI(void, conv2dBackward)(JNIEnv* env, jobject, jlong x, jlong w, jlong dy, jlong dx, jlong dw, jlong dbias,
                               GEOM_PARAMS, jint OC) {
    guard(env, "conv2dBackward", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float *X = fp(x), *Wt = fp(w), *DY = fp(dy);   // (B, C, H, W), (OC, C·KH·KW), (B, OC, OH·OW)
        float* DX = dx ? fp(dx) : nullptr;                    // (B, C, H, W), overwritten
        float* DW = dw ? fp(dw) : nullptr;                    // (OC, C·KH·KW), overwritten
        float* DB = dbias ? fp(dbias) : nullptr;              // (OC), overwritten
        const int ck = g.C * g.KH * g.KW, hw = g.OH * g.OW;
        const long xsize = (long)g.C * g.H * g.W, wsize = (long)OC * ck;
        if (g.B == 0 || OC == 0 || ck == 0 || hw == 0) {   // no products: every gradient is 0
            if (DX) std::fill(DX, DX + g.B * xsize, 0.f);
            if (DW) std::fill(DW, DW + wsize, 0.f);
            if (DB) std::fill(DB, DB + OC, 0.f);
            return;
        }
        const bool direct = is_pointwise(g), shifted = use_shifted(g), par = parallel_images(g, OC);
        const int nt = par ? threads() : 1, groups = std::max(1, std::min(g.B, kGradGroups));
        const Shift sh(g);
        sync_blas_threads();
        // Per thread: the image's cols (for dW) and dcols (for dx), or for the shifted path the padded image, the
        // row-padded dy and the padded dx; per group: the dW partial (by tap, (taps, OC, C), on the shifted path) and
        // the bias partial.
        const bool need_cols = DW && !direct && !shifted, need_dcols = DX && !direct && !shifted;
        Scratch cols(nt, need_cols ? (long)ck * hw : 0), dcols(nt, need_dcols ? (long)ck * hw : 0);
        Scratch pad(nt, shifted && g.P && DW ? g.C * sh.plane : 0), dyw(nt, shifted ? (long)OC * sh.Np : 0),
            dpad(nt, shifted && g.P && DX ? g.C * sh.plane : 0);
        std::vector<float> wr(shifted && DX ? (size_t)wsize : 0);
        if (shifted && DX) regroup_taps(Wt, OC, g, wr.data());
        std::vector<float> pw(DW ? (size_t)groups * wsize : 0);
        std::vector<double> pb(DB ? (size_t)groups * OC : 0);
#pragma omp parallel num_threads(nt) if (par)
        {
            const int t = omp_get_thread_num();
            float *cb = cols.of(t), *dcb = dcols.of(t);
#pragma omp for schedule(dynamic, 1)
            for (int grp = 0; grp < groups; grp++) {
                const int b0 = (int)((long)g.B * grp / groups), b1 = (int)((long)g.B * (grp + 1) / groups);
                float* gw = DW ? pw.data() + (size_t)grp * wsize : nullptr;
                double* gb = DB ? pb.data() + (size_t)grp * OC : nullptr;
                for (int b = b0; b < b1; b++) {
                    const float* xb = X + b * xsize;
                    const float* dyb = DY + (long)b * OC * hw;
                    if (shifted) pad_rows(g, sh, OC, dyb, dyw.of(t));
                    if (gw && shifted) {   // dW_grp[tap] (+)= dy' (OC, Np) · input_tapᵀ (Np, C)
                        const float* src = padded_image(g, sh, xb, pad.of(t));
                        for (int k = 0; k < sh.taps; k++)
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, OC, g.C, sh.Np, 1.f, dyw.of(t), sh.Np,
                                        src + sh.offset(g, k), sh.plane, b == b0 ? 0.f : 1.f, gw + (long)k * OC * g.C, g.C);
                    } else if (gw) {   // dW_grp (+)= dy_b (OC, OH·OW) · cols_bᵀ
                        if (!direct) im2col_image(g, xb, cb);
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, OC, ck, hw, 1.f, dyb, hw, direct ? xb : cb,
                                    hw, b == b0 ? 0.f : 1.f, gw, ck);
                    }
                    if (gb)
                        for (int o = 0; o < OC; o++) {
                            const float* r = dyb + (long)o * hw;
                            double s = 0.0;
#pragma omp simd reduction(+ : s)
                            for (int i = 0; i < hw; i++) s += r[i];
                            gb[o] += s;
                        }
                    if (DX) {   // dcols_b (C·KH·KW, OH·OW) = Wᵀ · dy_b, folded back onto dx_b
                        float* dxb = DX + b * xsize;
                        if (shifted) {   // dx (+)= W_tapᵀ (C, OC) · dy' (OC, Np) at each tap's offset, then unpadded
                            float* d = g.P ? dpad.of(t) : dxb;
                            std::fill(d, d + g.C * sh.plane, 0.f);
                            for (int k = 0; k < sh.taps; k++)
                                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g.C, sh.Np, OC, 1.f,
                                            wr.data() + (long)k * OC * g.C, g.C, dyw.of(t), sh.Np, 1.f, d + sh.offset(g, k), sh.plane);
                            if (g.P)
                                for (int c = 0; c < g.C; c++)
                                    for (int iy = 0; iy < g.H; iy++) {
                                        const float* r = d + c * sh.plane + (long)(iy + g.P) * sh.Wp + g.P;
                                        std::copy(r, r + g.W, dxb + ((long)c * g.H + iy) * g.W);
                                    }
                        } else if (direct) {
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ck, hw, OC, 1.f, Wt, ck, dyb, hw, 0.f, dxb, hw);
                        } else {
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ck, hw, OC, 1.f, Wt, ck, dyb, hw, 0.f, dcb, hw);
                            std::fill(dxb, dxb + xsize, 0.f);
                            for (int c = 0; c < g.C; c++)
                                col2im_plane(g, dcb + (long)c * g.KH * g.KW * hw, hw, dxb + (long)c * g.H * g.W);
                        }
                    }
                }
            }
        }
        if (DW)   // partials in group order, in double; on the shifted path read by tap: (o, c, tap) ← (tap, o, c)
            for_rows(OC, ck, [&](int o) {
                for (int c = 0; c < g.C; c++)
                    for (int k = 0; k < sh.taps; k++) {
                        const long i = ((long)o * g.C + c) * sh.taps + k;
                        const long src = shifted ? ((long)k * OC + o) * g.C + c : i;
                        double s = 0.0;
                        for (int grp = 0; grp < groups; grp++) s += pw[(size_t)grp * wsize + src];
                        DW[i] = (float)s;
                    }
            });
        if (DB)
            for (int o = 0; o < OC; o++) {
                double s = 0.0;
                for (int grp = 0; grp < groups; grp++) s += pb[(size_t)grp * OC + o];
                DB[o] = (float)s;
            }
    });
}
