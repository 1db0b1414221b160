package org.hhnn.backend;

import static org.hhnn.backend.ReferenceLegendre.need;

/**
 * The reference convolution, pooling, batch-norm and channel primitives ({@link Backend#im2col} … {@link
 * Backend#splitChannels}; DESIGN.md § Modulated activations, the CNN and DenseNet models). Plain loops written from
 * the definitions in the contract (each output computed as the formula says, gathering over its inputs), float64
 * sums, results rounded by {@link ReferenceBackend#round} when stored. Twins: CheckedBackend (checks) + native/cpu_conv.cpp,
 * kernels/conv.cu. Tested by ConvParityTest, CudaConvParityTest, ConvGradCheckTest.
 */
final class ReferenceConv {
    private ReferenceConv() {}

    private static double[] d(Buffer b) { return ReferenceBackend.data(b); }

    private static String shape(long... dims) {
        StringBuilder sb = new StringBuilder();
        for (long v : dims) sb.append(sb.length() == 0 ? "" : " x ").append(v);
        return sb.toString();
    }

    private static void nonNegative(String op, int... v) {
        for (int x : v) if (x < 0) throw new IllegalArgumentException(op + ": sizes must be >= 0, got " + x);
    }

    // ---- im2col / col2im --------------------------------------------------------------------------------------

    static void im2col(ReferenceBackend rb, ConvGeom g, Buffer x, Buffer cols) {
        String op = "im2col";
        int B = g.batch(), C = g.channels(), H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW();
        need(op, "x", x, g.inputSize(), shape(B, C, H, W));
        need(op, "cols", cols, g.colRows() * g.colCols(), shape(g.colRows(), g.colCols()));
        double[] X = d(x), O = d(cols);
        int ncol = B * OH * OW;
        for (int c = 0; c < C; c++)
            for (int ky = 0; ky < g.kernelH(); ky++)
                for (int kx = 0; kx < g.kernelW(); kx++) {
                    int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                    for (int b = 0; b < B; b++)
                        for (int oy = 0; oy < OH; oy++)
                            for (int ox = 0; ox < OW; ox++) {
                                int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
                                boolean inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
                                O[row * ncol + (b * OH + oy) * OW + ox] = inside ? X[((b * C + c) * H + iy) * W + ix] : 0.0;
                            }
                }
    }

    static void col2im(ReferenceBackend rb, ConvGeom g, Buffer cols, Buffer x) {
        String op = "col2im";
        int B = g.batch(), C = g.channels(), H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW();
        need(op, "cols", cols, g.colRows() * g.colCols(), shape(g.colRows(), g.colCols()));
        need(op, "x", x, g.inputSize(), shape(B, C, H, W));
        double[] X = d(x), O = d(cols);
        int ncol = B * OH * OW;
        double[] acc = new double[(int) g.inputSize()];
        for (int c = 0; c < C; c++)
            for (int ky = 0; ky < g.kernelH(); ky++)
                for (int kx = 0; kx < g.kernelW(); kx++) {
                    int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                    for (int b = 0; b < B; b++)
                        for (int oy = 0; oy < OH; oy++)
                            for (int ox = 0; ox < OW; ox++) {
                                int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
                                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    acc[((b * C + c) * H + iy) * W + ix] += O[row * ncol + (b * OH + oy) * OW + ox];
                            }
                }
        for (int i = 0; i < acc.length; i++) X[i] = rb.round(X[i] + acc[i]);
    }

    // ---- layout and per-channel bias ------------------------------------------------------------------------------

    static void swapAxes(ReferenceBackend rb, Buffer x, Buffer y, int a, int b, int inner) {
        String op = "swapAxes";
        nonNegative(op, a, b, inner);
        long n = (long) a * b * inner;
        need(op, "x", x, n, shape(a, b, inner));
        need(op, "y", y, n, shape(b, a, inner));
        double[] X = d(x), Y = d(y);
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < inner; k++) Y[(j * a + i) * inner + k] = X[(i * b + j) * inner + k];
    }

    static void addChannelBias(ReferenceBackend rb, Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) {
        String op = "addChannelBias";
        nonNegative(op, outer, channels, inner);
        long n = (long) outer * channels * inner;
        need(op, "x", x, n, shape(outer, channels, inner));
        need(op, "bias", bias, channels, shape(channels));
        need(op, "y", y, n, shape(outer, channels, inner));
        double[] X = d(x), Bv = d(bias), Y = d(y);
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    Y[at] = rb.round(X[at] + Bv[c]);
                }
    }

    static void sumChannels(ReferenceBackend rb, Buffer x, Buffer y, int outer, int channels, int inner, float beta) {
        String op = "sumChannels";
        nonNegative(op, outer, channels, inner);
        need(op, "x", x, (long) outer * channels * inner, shape(outer, channels, inner));
        need(op, "y", y, channels, shape(channels));
        double[] X = d(x), Y = d(y);
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) s += X[(o * channels + c) * inner + i];
            Y[c] = rb.round((beta == 0f ? 0.0 : beta * Y[c]) + s);
        }
    }

    // ---- fused convolution ----------------------------------------------------------------------------------------

    /** x[b, c, iy, ix] for the output (oy, ox) at kernel offset (ky, kx), or -1 where that is padding. */
    private static int src(ConvGeom g, int b, int c, int oy, int ox, int ky, int kx) {
        int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
        if (iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width()) return -1;
        return ((b * g.channels() + c) * g.height() + iy) * g.width() + ix;
    }

    private static void convShapes(String op, ConvGeom g, int oc, Buffer x, Buffer w) {
        if (g == null) throw new IllegalArgumentException(op + ": geometry is null");
        nonNegative(op, oc);
        need(op, "x", x, g.inputSize(), shape(g.batch(), g.channels(), g.height(), g.width()));
        need(op, "w", w, (long) oc * g.colRows(), shape(oc, g.channels(), g.kernelH(), g.kernelW()));
    }

    static void conv2d(ReferenceBackend rb, ConvGeom g, int oc, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String op = "conv2d";
        convShapes(op, g, oc, x, w);
        if (bias != null) need(op, "bias", bias, oc, shape(oc));
        int B = g.batch(), C = g.channels(), OH = g.outH(), OW = g.outW(), KH = g.kernelH(), KW = g.kernelW();
        need(op, "y", y, (long) B * oc * OH * OW, shape(B, oc, OH, OW));
        double[] X = d(x), Wt = d(w), Bv = bias == null ? null : d(bias), Y = d(y);
        for (int b = 0; b < B; b++)
            for (int o = 0; o < oc; o++)
                for (int oy = 0; oy < OH; oy++)
                    for (int ox = 0; ox < OW; ox++) {
                        double s = Bv == null ? 0.0 : Bv[o];
                        for (int c = 0; c < C; c++)
                            for (int ky = 0; ky < KH; ky++)
                                for (int kx = 0; kx < KW; kx++) {
                                    int i = src(g, b, c, oy, ox, ky, kx);
                                    if (i >= 0) s += Wt[((o * C + c) * KH + ky) * KW + kx] * X[i];
                                }
                        Y[((b * oc + o) * OH + oy) * OW + ox] = rb.round(s);
                    }
    }

    static void conv2dBackward(ReferenceBackend rb, ConvGeom g, int oc, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw,
                               Buffer dbias) {
        String op = "conv2dBackward";
        convShapes(op, g, oc, x, w);
        int B = g.batch(), C = g.channels(), OH = g.outH(), OW = g.outW(), KH = g.kernelH(), KW = g.kernelW();
        need(op, "dy", dy, (long) B * oc * OH * OW, shape(B, oc, OH, OW));
        if (dx != null) need(op, "dx", dx, g.inputSize(), shape(B, C, g.height(), g.width()));
        if (dw != null) need(op, "dw", dw, (long) oc * g.colRows(), shape(oc, C, KH, KW));
        if (dbias != null) need(op, "dbias", dbias, oc, shape(oc));
        double[] X = d(x), Wt = d(w), DY = d(dy);
        double[] ax = new double[(int) g.inputSize()], aw = new double[oc * C * KH * KW], ab = new double[oc];
        for (int b = 0; b < B; b++)   // scatter each output's gradient over its window, all sums in float64
            for (int o = 0; o < oc; o++)
                for (int oy = 0; oy < OH; oy++)
                    for (int ox = 0; ox < OW; ox++) {
                        double gy = DY[((b * oc + o) * OH + oy) * OW + ox];
                        ab[o] += gy;
                        for (int c = 0; c < C; c++)
                            for (int ky = 0; ky < KH; ky++)
                                for (int kx = 0; kx < KW; kx++) {
                                    int i = src(g, b, c, oy, ox, ky, kx), k = ((o * C + c) * KH + ky) * KW + kx;
                                    if (i < 0) continue;
                                    ax[i] += Wt[k] * gy;
                                    aw[k] += X[i] * gy;
                                }
                    }
        store(rb, ax, dx);
        store(rb, aw, dw);
        store(rb, ab, dbias);
    }

    private static void store(ReferenceBackend rb, double[] acc, Buffer out) {
        if (out == null) return;
        double[] O = d(out);
        for (int i = 0; i < acc.length; i++) O[i] = rb.round(acc[i]);
    }

    // ---- pooling ----------------------------------------------------------------------------------------------------

    static void maxPool(ReferenceBackend rb, ConvGeom g, Buffer x, Buffer y, Buffer argmax) {
        String op = "maxPool";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "x", x, g.inputSize(), shape(g.batch(), g.channels(), H, W));
        need(op, "y", y, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        need(op, "argmax", argmax, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        double[] X = d(x), Y = d(y), A = d(argmax);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    int best = -1;
                    double bv = 0;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                            double v = X[(p * H + iy) * W + ix];
                            if (best < 0 || v > bv) { best = iy * W + ix; bv = v; }
                        }
                    int o = (p * OH + oy) * OW + ox;
                    Y[o] = bv;
                    A[o] = best;
                }
    }

    static void maxPoolBackward(ReferenceBackend rb, ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) {
        String op = "maxPoolBackward";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "dy", dy, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        need(op, "argmax", argmax, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        need(op, "dx", dx, g.inputSize(), shape(g.batch(), g.channels(), H, W));
        double[] DY = d(dy), A = d(argmax), DX = d(dx);
        double[] acc = new double[H * W];
        for (int p = 0; p < planes; p++) {
            java.util.Arrays.fill(acc, 0);
            for (int o = 0; o < OH * OW; o++) {
                int at = (int) A[p * OH * OW + o];
                if (at < 0 || at >= H * W)
                    throw new IllegalArgumentException(op + ": argmax " + A[p * OH * OW + o] + " is outside the " + H + "x" + W + " plane");
                acc[at] += DY[p * OH * OW + o];
            }
            for (int i = 0; i < H * W; i++) DX[p * H * W + i] = rb.round(acc[i]);
        }
    }

    static void avgPool(ReferenceBackend rb, ConvGeom g, Buffer x, Buffer y) {
        String op = "avgPool";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "x", x, g.inputSize(), shape(g.batch(), g.channels(), H, W));
        need(op, "y", y, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        double[] X = d(x), Y = d(y);
        double area = (double) g.kernelH() * g.kernelW();
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double s = 0;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
                            if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += X[(p * H + iy) * W + ix];
                        }
                    Y[(p * OH + oy) * OW + ox] = rb.round(s / area);
                }
    }

    static void avgPoolBackward(ReferenceBackend rb, ConvGeom g, Buffer dy, Buffer dx) {
        String op = "avgPoolBackward";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "dy", dy, g.outputSize(), shape(g.batch(), g.channels(), OH, OW));
        need(op, "dx", dx, g.inputSize(), shape(g.batch(), g.channels(), H, W));
        double[] DY = d(dy), DX = d(dx);
        double area = (double) g.kernelH() * g.kernelW();
        double[] acc = new double[H * W];
        for (int p = 0; p < planes; p++) {
            java.util.Arrays.fill(acc, 0);
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double gv = DY[(p * OH + oy) * OW + ox] / area;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
                            if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc[iy * W + ix] += gv;
                        }
                }
            for (int i = 0; i < H * W; i++) DX[p * H * W + i] = rb.round(acc[i]);
        }
    }

    // ---- batch norm -------------------------------------------------------------------------------------------------

    static void batchNorm(ReferenceBackend rb, Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar,
                          Buffer y, Buffer mean, Buffer rstd, int outer, int channels, int inner,
                          float momentum, float eps, boolean training) {
        String op = "batchNorm";
        nonNegative(op, outer, channels, inner);
        long n = (long) outer * channels * inner;
        String xs = shape(outer, channels, inner), cs = shape(channels);
        need(op, "x", x, n, xs);
        need(op, "y", y, n, xs);
        for (Object[] e : new Object[][] {{"gamma", gamma}, {"beta", beta}, {"runMean", runMean}, {"runVar", runVar},
                                          {"mean", mean}, {"rstd", rstd}})
            need(op, (String) e[0], (Buffer) e[1], channels, cs);
        double[] X = d(x), G = d(gamma), Bt = d(beta), RM = d(runMean), RV = d(runVar), Y = d(y), MU = d(mean), RS = d(rstd);
        long count = (long) outer * inner;
        for (int c = 0; c < channels; c++) {
            double mu, rs;
            if (training) {
                double s = 0;
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++) s += X[(o * channels + c) * inner + i];
                mu = s / count;
                double v = 0;
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++) { double t = X[(o * channels + c) * inner + i] - mu; v += t * t; }
                v /= count;
                rs = 1.0 / Math.sqrt(v + eps);
                double unbiased = count > 1 ? v * count / (count - 1) : v;
                RM[c] = rb.round((1.0 - momentum) * RM[c] + momentum * mu);
                RV[c] = rb.round((1.0 - momentum) * RV[c] + momentum * unbiased);
            } else {
                mu = RM[c];
                rs = 1.0 / Math.sqrt(RV[c] + eps);
            }
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    Y[at] = rb.round((X[at] - mu) * rs * G[c] + Bt[c]);
                }
            MU[c] = rb.round(mu);
            RS[c] = rb.round(rs);
        }
    }

    static void batchNormBackward(ReferenceBackend rb, Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                  Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        String op = "batchNormBackward";
        nonNegative(op, outer, channels, inner);
        long n = (long) outer * channels * inner;
        String xs = shape(outer, channels, inner), cs = shape(channels);
        need(op, "x", x, n, xs);
        need(op, "dy", dy, n, xs);
        need(op, "dx", dx, n, xs);
        for (Object[] e : new Object[][] {{"gamma", gamma}, {"mean", mean}, {"rstd", rstd}, {"dgamma", dgamma}, {"dbeta", dbeta}})
            need(op, (String) e[0], (Buffer) e[1], channels, cs);
        double[] X = d(x), G = d(gamma), MU = d(mean), RS = d(rstd), DY = d(dy), DX = d(dx), DG = d(dgamma), DB = d(dbeta);
        long count = (long) outer * inner;
        for (int c = 0; c < channels; c++) {
            double mu = MU[c], rs = RS[c], sdy = 0, sdyx = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    sdy += DY[at];
                    sdyx += DY[at] * (X[at] - mu) * rs;
                }
            double mdy = count == 0 ? 0 : sdy / count, mdyx = count == 0 ? 0 : sdyx / count;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    double xh = (X[at] - mu) * rs;
                    DX[at] = rb.round(G[c] * rs * (DY[at] - mdy - xh * mdyx));
                }
            DG[c] = rb.round(DG[c] + sdyx);
            DB[c] = rb.round(DB[c] + sdy);
        }
    }

    // ---- channel concat / split -------------------------------------------------------------------------------------

    static void concatChannels(ReferenceBackend rb, Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) {
        String op = "concatChannels";
        nonNegative(op, outer, ca, cb, inner);
        need(op, "a", a, (long) outer * ca * inner, shape(outer, ca, inner));
        need(op, "b", b, (long) outer * cb * inner, shape(outer, cb, inner));
        need(op, "y", y, (long) outer * (ca + cb) * inner, shape(outer, (long) ca + cb, inner));
        double[] A = d(a), Bv = d(b), Y = d(y);
        int cy = ca + cb;
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < cy; c++)
                for (int i = 0; i < inner; i++)
                    Y[(o * cy + c) * inner + i] = c < ca ? A[(o * ca + c) * inner + i] : Bv[(o * cb + c - ca) * inner + i];
    }

    static void splitChannels(ReferenceBackend rb, Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) {
        String op = "splitChannels";
        nonNegative(op, outer, ca, cb, inner);
        need(op, "y", y, (long) outer * (ca + cb) * inner, shape(outer, (long) ca + cb, inner));
        if (a != null) need(op, "a", a, (long) outer * ca * inner, shape(outer, ca, inner));
        if (b != null) need(op, "b", b, (long) outer * cb * inner, shape(outer, cb, inner));
        double[] Y = d(y), A = a == null ? null : d(a), Bv = b == null ? null : d(b);
        int cy = ca + cb;
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < cy; c++)
                for (int i = 0; i < inner; i++) {
                    double v = Y[(o * cy + c) * inner + i];
                    if (c < ca) { if (A != null) A[(o * ca + c) * inner + i] = v; }
                    else if (Bv != null) Bv[(o * cb + c - ca) * inner + i] = v;
                }
    }
}
