// native/cpu_conv2d.cpp — the cpu backend's fused 2-d convolution (Backend.conv2d / conv2dBackward).
// Java twin: CpuConv.conv2d / conv2dBackward; reference ReferenceConv.conv2d. Tested by: ConvParityTest.
//
// Why fused: the unfused path (im2col of the whole batch, one gemm, swapAxes, bias) streams a cols matrix of
// C·kh·kw × B·OH·OW through memory (≈100 MB for W4's second layer) several times per step. Here each image is
// unfolded into a per-thread scratch that stays in L2, and its gemm writes straight into y's NCHW slice (no swap).
// Images run in parallel, each thread calling a single-threaded sgemm (OpenBLAS does not fork inside a parallel
// region); dynamic scheduling absorbs a core stolen by another process.
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

#define HHNN_JNI_CONV(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_hhnn_backend_cpu_CpuConv_##name
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

// Whether to run images in parallel: more than one image and enough work to pay for a fork/join.
bool parallel_images(const ConvGeom& g, int oc) {
    return g.B > 1 && threads() > 1 && (long)g.B * oc * g.OH * g.OW * g.C * g.KH * g.KW >= kParallelMin;
}

}  // namespace

HHNN_JNI_CONV(void, conv2d)(JNIEnv* env, jclass, jlong x, jlong w, jlong bias, jlong y, GEOM_PARAMS, jint OC) {
    guard(env, "conv2d", [&] {
        const ConvGeom g = make_geom(B, C, H, W, KH, KW, S, P);
        const float* X = fp(x);                       // (B, C, H, W)
        const float* Wt = fp(w);                      // (OC, C·KH·KW)
        const float* Bv = bias ? fp(bias) : nullptr;  // (OC) or none
        float* Y = fp(y);                             // (B, OC, OH·OW)
        const int ck = g.C * g.KH * g.KW, hw = g.OH * g.OW;
        if (g.B == 0 || OC == 0 || hw == 0) return;
        const bool direct = is_pointwise(g), par = parallel_images(g, OC);
        const int nt = par ? threads() : 1;
        sync_blas_threads();
        Scratch scratch(nt, direct ? 0 : (long)ck * hw);
#pragma omp parallel num_threads(nt) if (par)
        {
            float* cols = scratch.of(omp_get_thread_num());
#pragma omp for schedule(dynamic, 1)
            for (int b = 0; b < g.B; b++) {
                const float* xb = X + (long)b * g.C * g.H * g.W;
                float* yb = Y + (long)b * OC * hw;
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

HHNN_JNI_CONV(void, conv2dBackward)(JNIEnv* env, jclass, jlong x, jlong w, jlong dy, jlong dx, jlong dw, jlong dbias,
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
        const bool direct = is_pointwise(g), par = parallel_images(g, OC);
        const int nt = par ? threads() : 1, groups = std::max(1, std::min(g.B, kGradGroups));
        sync_blas_threads();
        // Per thread: the image's cols (for dW) and dcols (for dx); per group: the dW and bias partials.
        const bool need_cols = DW && !direct, need_dcols = DX && !direct;
        Scratch cols(nt, need_cols ? (long)ck * hw : 0), dcols(nt, need_dcols ? (long)ck * hw : 0);
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
                    if (gw) {   // dW_grp (+)= dy_b (OC, OH·OW) · cols_bᵀ
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
                        if (direct) {
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
        if (DW)   // partials in group order, in double
            for_chunks(wsize, [&](long lo, long hi) {
                for (long i = lo; i < hi; i++) {
                    double s = 0.0;
                    for (int grp = 0; grp < groups; grp++) s += pw[(size_t)grp * wsize + i];
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
