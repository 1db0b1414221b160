// kernels/conv.cu — the convolution-side primitives of the cuda backend (modulated CNN / DenseNet, DESIGN.md
// § Modulated activations): im2col, col2im, the CNHW <-> NCHW axis swap, per-channel bias and its reduction, max and
// average pooling (+ backward), batch norm (+ backward), channel slab copies (DenseNet concat / split).
// Semantics: Backend javadoc (ReferenceBackend / ReferenceConv the spec); index math: conv.cuh.
// Twins: native/cpu_conv.cpp (cpu), CheckedBackend (validation), CudaBackend (launches). Tested by: CudaConvParityTest
// (mvn -B -o test -pl java -Dtest='CudaConvParityTest' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free and atomic-free: one thread per output element. Backward passes gather (each input position sums the
// outputs whose windows cover it, in (oy, ox) or (ky, kx) order) instead of scattering, so every result is
// deterministic. Per-channel reductions (bias gradient, batch-norm statistics) are one thread per channel in double,
// channel-count threads: latency-bound on a GPU, a few launches per layer (kernels/README.md, weak spots).
#include "emu_shim.h"
#include "conv.cuh"

#define HHNN_GEOM_PARAMS int B, int C, int H, int W, int KH, int KW, int S, int P, int OH, int OW
#define HHNN_GEOM ConvGeom g = {B, C, H, W, KH, KW, S, P, OH, OW}

// ---- im2col / col2im ------------------------------------------------------------------------------------------------

// cols[(c, ky, kx), (b, oy, ox)] = x[b, c, oy·S − P + ky, ox·S − P + kx] or 0 in the padding.
// x (B, C, H, W); cols (C·KH·KW, B·OH·OW). One thread per cols entry.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_im2col_f32(const float* x, float* cols, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    long ncol = (long)g.B * g.OH * g.OW;
    HHNN_GRID_STRIDE(i, (long)g.C * g.KH * g.KW * ncol) {
        long row = i / ncol, q = i - row * ncol;
        int kx = (int)(row % g.KW), ky = (int)(row / g.KW % g.KH), c = (int)(row / ((long)g.KW * g.KH));
        int ox = (int)(q % g.OW), oy = (int)(q / g.OW % g.OH), b = (int)(q / ((long)g.OW * g.OH));
        int iy = hhnn_conv_src(oy, ky, g.S, g.P), ix = hhnn_conv_src(ox, kx, g.S, g.P);
        bool inside = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
        cols[i] = inside ? x[(((long)b * g.C + c) * g.H + iy) * g.W + ix] : 0.f;
    }
}
HHNN_REGISTER(hhnn_im2col_f32)

// x[b, c, iy, ix] += Σ_{(ky, kx)} cols[(c, ky, kx), (b, oy, ox)] over the windows (oy, ox) that read (iy, ix) at (ky, kx).
// cols (C·KH·KW, B·OH·OW); x (B, C, H, W), accumulated. One thread per x entry, terms in (ky, kx) order.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_col2im_f32(const float* cols, float* x, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    long ncol = (long)g.B * g.OH * g.OW;
    HHNN_GRID_STRIDE(i, (long)g.B * g.C * g.H * g.W) {
        int ix = (int)(i % g.W), iy = (int)(i / g.W % g.H);
        long bc = i / ((long)g.W * g.H);
        int c = (int)(bc % g.C), b = (int)(bc / g.C);
        float s = 0.f;
        for (int ky = 0; ky < g.KH; ky++) {
            int ty = iy + g.P - ky;   // = oy·S
            if (ty < 0 || ty % g.S != 0 || ty / g.S >= g.OH) continue;
            int oy = ty / g.S;
            for (int kx = 0; kx < g.KW; kx++) {
                int tx = ix + g.P - kx;
                if (tx < 0 || tx % g.S != 0 || tx / g.S >= g.OW) continue;
                long row = ((long)c * g.KH + ky) * g.KW + kx;
                s += cols[row * ncol + ((long)b * g.OH + oy) * g.OW + tx / g.S];
            }
        }
        x[i] += s;
    }
}
HHNN_REGISTER(hhnn_col2im_f32)

// ---- layout and per-channel bias ------------------------------------------------------------------------------------

// y[j, i, k] = x[i, j, k].   x (a, b, inner); y (b, a, inner). One thread per y entry (coalesced writes).
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_swap_axes_f32(const float* x, float* y, int a, int b, int inner) {
    HHNN_GRID_STRIDE(t, (long)a * b * inner) {
        long k = t % inner, ji = t / inner;
        long i = ji % a, j = ji / a;
        y[t] = x[(i * b + j) * inner + k];
    }
}
HHNN_REGISTER(hhnn_swap_axes_f32)

// y[o, c, i] = x[o, c, i] + bias[c].   x, y (outer, channels, inner); bias (channels). One thread per entry.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_add_channel_bias_f32(const float* x, const float* bias, float* y, int outer, int channels, int inner) {
    HHNN_GRID_STRIDE(t, (long)outer * channels * inner) y[t] = x[t] + bias[t / inner % channels];
}
HHNN_REGISTER(hhnn_add_channel_bias_f32)

// y[c] = beta y[c] + Σ_{o, i} x[o, c, i], in double, o then i in order.   x (outer, channels, inner); y (channels).
// One thread per channel.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_sum_channels_f32(const float* x, float* y, int outer, int channels, int inner, float beta) {
    HHNN_GRID_STRIDE(c, channels) {
        double s = 0.0;
        for (int o = 0; o < outer; o++) {
            const float* xr = x + ((long)o * channels + c) * inner;
            for (int i = 0; i < inner; i++) s += xr[i];
        }
        y[c] = (float)((beta == 0.f ? 0.0 : (double)beta * y[c]) + s);
    }
}
HHNN_REGISTER(hhnn_sum_channels_f32)

// ---- pooling --------------------------------------------------------------------------------------------------------

// y = the window's first maximum under '>' in (ky, kx) order (padding skipped); argmax = its iy·W + ix as a float.
// x (B, C, H, W); y, argmax (B, C, OH, OW). One thread per output.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_max_pool_f32(const float* x, float* y, float* argmax, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    HHNN_GRID_STRIDE(t, (long)g.B * g.C * g.OH * g.OW) {
        int ox = (int)(t % g.OW), oy = (int)(t / g.OW % g.OH);
        long p = t / ((long)g.OW * g.OH);
        float bv;
        int best = hhnn_max_pool_window(&g, x + p * g.H * g.W, oy, ox, &bv);
        y[t] = bv;
        argmax[t] = (float)best;
    }
}
HHNN_REGISTER(hhnn_max_pool_f32)

// dx[b, c, iy, ix] = Σ dy over the outputs (oy, ox order) whose argmax is iy·W + ix.
// dy, argmax (B, C, OH, OW); dx (B, C, H, W), overwritten. One thread per dx entry, gathering over covering windows.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_max_pool_backward_f32(const float* dy, const float* argmax, float* dx, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    HHNN_GRID_STRIDE(t, (long)g.B * g.C * g.H * g.W) {
        int ix = (int)(t % g.W), iy = (int)(t / g.W % g.H);
        long p = t / ((long)g.W * g.H);
        float me = (float)(iy * g.W + ix);
        int y0, y1, x0, x1;
        hhnn_window_range(iy, g.KH, g.S, g.P, g.OH, &y0, &y1);
        hhnn_window_range(ix, g.KW, g.S, g.P, g.OW, &x0, &x1);
        float s = 0.f;
        for (int oy = y0; oy < y1; oy++)
            for (int ox = x0; ox < x1; ox++) {
                long o = (p * g.OH + oy) * g.OW + ox;
                if (argmax[o] == me) s += dy[o];
            }
        dx[t] = s;
    }
}
HHNN_REGISTER(hhnn_max_pool_backward_f32)

// y = (Σ of the window, padding as 0) / (KH·KW), summed in double in (ky, kx) order, rounded once.
// x (B, C, H, W); y (B, C, OH, OW). One thread per output.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_avg_pool_f32(const float* x, float* y, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    float inv = 1.f / (float)(g.KH * g.KW);
    HHNN_GRID_STRIDE(t, (long)g.B * g.C * g.OH * g.OW) {
        int ox = (int)(t % g.OW), oy = (int)(t / g.OW % g.OH);
        long p = t / ((long)g.OW * g.OH);
        float s = hhnn_avg_pool_window_sum(&g, x + p * g.H * g.W, oy, ox);
        y[t] = s * inv;
    }
}
HHNN_REGISTER(hhnn_avg_pool_f32)

// dx[b, c, iy, ix] = Σ over covering windows of dy / (KH·KW).   dy (B, C, OH, OW); dx (B, C, H, W), overwritten.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_avg_pool_backward_f32(const float* dy, float* dx, HHNN_GEOM_PARAMS) {
    HHNN_GEOM;
    float inv = 1.f / (float)(g.KH * g.KW);
    HHNN_GRID_STRIDE(t, (long)g.B * g.C * g.H * g.W) {
        int ix = (int)(t % g.W), iy = (int)(t / g.W % g.H);
        long p = t / ((long)g.W * g.H);
        dx[t] = hhnn_covering_sum(&g, dy + p * g.OH * g.OW, iy, ix) * inv;
    }
}
HHNN_REGISTER(hhnn_avg_pool_backward_f32)

// ---- batch norm -----------------------------------------------------------------------------------------------------

// Per channel: training = batch mean and biased variance in double (two passes), running-stat update (unbiased
// variance); eval = the running statistics. Writes mean[c], rstd[c]. x (outer, channels, inner); the rest (channels).
// One thread per channel.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_batch_norm_stats_f32(const float* x, float* runMean, float* runVar, float* mean, float* rstd,
                          int outer, int channels, int inner, float momentum, float eps, int training) {
    HHNN_GRID_STRIDE(c, channels) {
        double mu, rs;
        hhnn_bn_channel_stats(x, c, outer, channels, inner, momentum, eps, training, runMean, runVar, &mu, &rs);
        mean[c] = (float)mu;
        rstd[c] = (float)rs;
    }
}
HHNN_REGISTER(hhnn_batch_norm_stats_f32)

// y = (x − mean[c])·rstd[c]·gamma[c] + beta[c].   x, y (outer, channels, inner). One thread per entry.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_batch_norm_apply_f32(const float* x, const float* gamma, const float* beta, const float* mean, const float* rstd,
                          float* y, int outer, int channels, int inner) {
    HHNN_GRID_STRIDE(t, (long)outer * channels * inner) {
        int c = (int)(t / inner % channels);
        y[t] = (x[t] - mean[c]) * rstd[c] * gamma[c] + beta[c];
    }
}
HHNN_REGISTER(hhnn_batch_norm_apply_f32)

// sums[2c] = Σ dy, sums[2c+1] = Σ dy·x̂ over the channel (double, o then i); dgamma[c] += Σ dy·x̂, dbeta[c] += Σ dy.
// x, dy (outer, channels, inner); sums (2·channels) doubles. One thread per channel.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_batch_norm_backward_sums_f32(const float* x, const float* mean, const float* rstd, const float* dy, double* sums,
                                  float* dgamma, float* dbeta, int outer, int channels, int inner) {
    HHNN_GRID_STRIDE(c, channels) {
        double sdy, sdyx;
        hhnn_bn_channel_grad_sums(x, dy, c, outer, channels, inner, mean[c], rstd[c], &sdy, &sdyx);
        sums[2 * c] = sdy;
        sums[2 * c + 1] = sdyx;
        dgamma[c] = (float)(dgamma[c] + sdyx);
        dbeta[c] = (float)(dbeta[c] + sdy);
    }
}
HHNN_REGISTER(hhnn_batch_norm_backward_sums_f32)

// dx = gamma·rstd·(dy − Σdy/n − x̂·Σdy·x̂/n), n = outer·inner.   x, dy, dx (outer, channels, inner). One thread per entry.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_batch_norm_backward_f32(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                             const double* sums, float* dx, int outer, int channels, int inner) {
    double n = (double)outer * inner;
    HHNN_GRID_STRIDE(t, (long)outer * channels * inner) {
        int c = (int)(t / inner % channels);
        double rs = rstd[c], xh = (x[t] - (double)mean[c]) * rs;
        dx[t] = (float)(gamma[c] * rs * (dy[t] - sums[2 * c] / n - xh * sums[2 * c + 1] / n));
    }
}
HHNN_REGISTER(hhnn_batch_norm_backward_f32)

// ---- channel slabs (concat / split) ---------------------------------------------------------------------------------

// dst[o, dstStart + c, i] = src[o, srcStart + c, i] for c < count.   src (outer, srcC, inner); dst (outer, dstC, inner).
// One thread per copied entry.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_copy_channels_f32(const float* src, int srcC, int srcStart, float* dst, int dstC, int dstStart, int count,
                       int outer, int inner) {
    HHNN_GRID_STRIDE(t, (long)outer * count * inner) {
        long i = t % inner, oc = t / inner;
        long c = oc % count, o = oc / count;
        dst[(o * dstC + dstStart + c) * inner + i] = src[(o * srcC + srcStart + c) * inner + i];
    }
}
HHNN_REGISTER(hhnn_copy_channels_f32)
