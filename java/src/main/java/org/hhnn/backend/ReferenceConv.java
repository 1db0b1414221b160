package org.hhnn.backend;

import static org.hhnn.backend.ReferenceLegendre.need;

/**
 * The reference convolution, pooling, batch-norm and channel primitives ({@link Backend#im2col} … {@link
 * Backend#splitChannels}; DESIGN.md § Modulated activations, the CNN and DenseNet models). Plain loops written from
 * the definitions in the contract (each output computed as the formula says, gathering over its inputs), float64
 * sums, results rounded by {@link ReferenceBackend#round} when stored. Twins: CheckedBackend (checks) + native/cpu_conv.cpp,
 * kernels/conv.cu. Tested by ConvParityTest, CudaConvParityTest, ConvGradCheckTest.
 */
sealed interface ReferenceConv extends Backend permits ReferenceBackend {

    /** The storage rounding of the reference this is part of ({@link ReferenceBackend#round}). */
    private double round(double v) { return ((ReferenceBackend) this).round(v); }

    private static double[] d(Buffer b) { return ReferenceBackend.data(b); }

    private static void nonNegative(String op, int... v) {
        for (int x : v) if (x < 0) throw new IllegalArgumentException(op + ": sizes must be >= 0, got " + x);
    }

    // ---- im2col / col2im --------------------------------------------------------------------------------------

    /** x[p, iy, ix] (plane p = b·C + c) for the output (oy, ox) at kernel offset (ky, kx), or -1 where that is padding. */
    private static int src(ConvGeom g, int p, int oy, int ox, int ky, int kx) {
        int iy = oy * g.stride() - g.pad() + ky, ix = ox * g.stride() - g.pad() + kx;
        if (iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width()) return -1;
        return (p * g.height() + iy) * g.width() + ix;
    }

    /** Calls tap(column entry, x index or -1 where the window reads padding) for every entry of the column matrix. */
    private static void unfold(ConvGeom g, Tap tap) {
        int B = g.batch(), C = g.channels(), OH = g.outH(), OW = g.outW(), ncol = B * OH * OW;
        for (int c = 0; c < C; c++)
            for (int ky = 0; ky < g.kernelH(); ky++)
                for (int kx = 0; kx < g.kernelW(); kx++) {
                    int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                    for (int b = 0; b < B; b++)
                        for (int oy = 0; oy < OH; oy++)
                            for (int ox = 0; ox < OW; ox++)
                                tap.at(row * ncol + (b * OH + oy) * OW + ox, src(g, b * C + c, oy, ox, ky, kx));
                }
    }

    @FunctionalInterface
    interface Tap { void at(int col, int x); }

    @Override default void im2col(ConvGeom g, Buffer x, Buffer cols) {
        String op = "im2col";
        need(op, "x", x, g.batch(), g.channels(), g.height(), g.width());
        need(op, "cols", cols, g.colRows(), g.colCols());
        double[] X = d(x), O = d(cols);
        unfold(g, (col, i) -> O[col] = i < 0 ? 0.0 : X[i]);
    }

    @Override default void col2im(ConvGeom g, Buffer cols, Buffer x) {
        String op = "col2im";
        need(op, "cols", cols, g.colRows(), g.colCols());
        need(op, "x", x, g.batch(), g.channels(), g.height(), g.width());
        double[] X = d(x), O = d(cols);
        double[] acc = new double[(int) g.inputSize()];
        unfold(g, (col, i) -> {
            if (i >= 0) acc[i] += O[col];
        });
        for (int i = 0; i < acc.length; i++) X[i] = round(X[i] + acc[i]);
    }

    // ---- layout and per-channel bias ------------------------------------------------------------------------------

    @Override default void swapAxes(Buffer x, Buffer y, int a, int b, int inner) {
        String op = "swapAxes";
        nonNegative(op, a, b, inner);
        long n = (long) a * b * inner;
        need(op, "x", x, a, b, inner);
        need(op, "y", y, b, a, inner);
        double[] X = d(x), Y = d(y);
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < inner; k++) Y[(j * a + i) * inner + k] = X[(i * b + j) * inner + k];
    }

    @Override default void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) {
        String op = "addChannelBias";
        nonNegative(op, outer, channels, inner);
        long n = (long) outer * channels * inner;
        need(op, "x", x, outer, channels, inner);
        need(op, "bias", bias, channels);
        need(op, "y", y, outer, channels, inner);
        double[] X = d(x), Bv = d(bias), Y = d(y);
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    Y[at] = round(X[at] + Bv[c]);
                }
    }

    @Override default void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) {
        String op = "sumChannels";
        nonNegative(op, outer, channels, inner);
        need(op, "x", x, outer, channels, inner);
        need(op, "y", y, channels);
        double[] X = d(x), Y = d(y);
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) s += X[(o * channels + c) * inner + i];
            Y[c] = round((beta == 0f ? 0.0 : beta * Y[c]) + s);
        }
    }

    // ---- fused convolution ----------------------------------------------------------------------------------------


    private static void convShapes(String op, ConvGeom g, int oc, Buffer x, Buffer w) {
        if (g == null) throw new IllegalArgumentException(op + ": geometry is null");
        nonNegative(op, oc);
        need(op, "x", x, g.batch(), g.channels(), g.height(), g.width());
        need(op, "w", w, oc, g.channels(), g.kernelH(), g.kernelW());
    }

    @Override default void conv2d(ConvGeom g, int oc, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String op = "conv2d";
        convShapes(op, g, oc, x, w);
        if (bias != null) need(op, "bias", bias, oc);
        int B = g.batch(), C = g.channels(), OH = g.outH(), OW = g.outW(), KH = g.kernelH(), KW = g.kernelW();
        need(op, "y", y, B, oc, OH, OW);
        double[] X = d(x), Wt = d(w), Bv = bias == null ? null : d(bias), Y = d(y);
        for (int b = 0; b < B; b++)
            for (int o = 0; o < oc; o++)
                for (int oy = 0; oy < OH; oy++)
                    for (int ox = 0; ox < OW; ox++) {
                        double s = Bv == null ? 0.0 : Bv[o];
                        for (int c = 0; c < C; c++)
                            for (int ky = 0; ky < KH; ky++)
                                for (int kx = 0; kx < KW; kx++) {
                                    int i = src(g, b * C + c, oy, ox, ky, kx);
                                    if (i >= 0) s += Wt[((o * C + c) * KH + ky) * KW + kx] * X[i];
                                }
                        Y[((b * oc + o) * OH + oy) * OW + ox] = round(s);
                    }
    }

    @Override default void conv2dBackward(ConvGeom g, int oc, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw,
                                          Buffer dbias) {
        String op = "conv2dBackward";
        convShapes(op, g, oc, x, w);
        int B = g.batch(), C = g.channels(), OH = g.outH(), OW = g.outW(), KH = g.kernelH(), KW = g.kernelW();
        need(op, "dy", dy, B, oc, OH, OW);
        if (dx != null) need(op, "dx", dx, B, C, g.height(), g.width());
        if (dw != null) need(op, "dw", dw, oc, C, KH, KW);
        if (dbias != null) need(op, "dbias", dbias, oc);
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
                                    int i = src(g, b * C + c, oy, ox, ky, kx), k = ((o * C + c) * KH + ky) * KW + kx;
                                    if (i < 0) continue;
                                    ax[i] += Wt[k] * gy;
                                    aw[k] += X[i] * gy;
                                }
                    }
        store(ax, dx);
        store(aw, dw);
        store(ab, dbias);
    }

    private void store(double[] acc, Buffer out) {
        if (out == null) return;
        double[] O = d(out);
        for (int i = 0; i < acc.length; i++) O[i] = round(acc[i]);
    }

    // ---- pooling ----------------------------------------------------------------------------------------------------

    @Override default void maxPool(ConvGeom g, Buffer x, Buffer y, Buffer argmax) {
        String op = "maxPool";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "x", x, g.batch(), g.channels(), H, W);
        need(op, "y", y, g.batch(), g.channels(), OH, OW);
        need(op, "argmax", argmax, g.batch(), g.channels(), OH, OW);
        double[] X = d(x), Y = d(y), A = d(argmax);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    int best = -1;
                    double bv = 0;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int i = src(g, p, oy, ox, ky, kx);
                            if (i < 0) continue;
                            if (best < 0 || X[i] > bv) { best = i - p * H * W; bv = X[i]; }
                        }
                    int o = (p * OH + oy) * OW + ox;
                    Y[o] = bv;
                    A[o] = best;
                }
    }

    @Override default void maxPoolBackward(ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) {
        String op = "maxPoolBackward";
        int H = g.height(), W = g.width(), OHW = g.outH() * g.outW();
        need(op, "dy", dy, g.batch(), g.channels(), g.outH(), g.outW());
        need(op, "argmax", argmax, g.batch(), g.channels(), g.outH(), g.outW());
        double[] DY = d(dy), A = d(argmax);
        scatterPlanes(op, g, dx, (p, acc) -> {
            for (int o = 0; o < OHW; o++) {
                int at = (int) A[p * OHW + o];
                if (at < 0 || at >= H * W)
                    throw new IllegalArgumentException(op + ": argmax " + A[p * OHW + o] + " is outside the " + H + "x" + W + " plane");
                acc[at] += DY[p * OHW + o];
            }
        });
    }

    /** The gradient of a pooling: for each plane p, scatter(p, acc) adds into acc (H·W, zeroed), then dx's plane = acc. */
    private void scatterPlanes(String op, ConvGeom g, Buffer dx, PlaneScatter scatter) {
        int hw = g.height() * g.width();
        need(op, "dx", dx, g.batch(), g.channels(), g.height(), g.width());
        double[] DX = d(dx), acc = new double[hw];
        for (int p = 0; p < g.batch() * g.channels(); p++) {
            java.util.Arrays.fill(acc, 0);
            scatter.add(p, acc);
            for (int i = 0; i < hw; i++) DX[p * hw + i] = round(acc[i]);
        }
    }

    @FunctionalInterface
    interface PlaneScatter { void add(int plane, double[] acc); }

    @Override default void avgPool(ConvGeom g, Buffer x, Buffer y) {
        String op = "avgPool";
        int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), planes = g.batch() * g.channels();
        need(op, "x", x, g.batch(), g.channels(), H, W);
        need(op, "y", y, g.batch(), g.channels(), OH, OW);
        double[] X = d(x), Y = d(y);
        double area = (double) g.kernelH() * g.kernelW();
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double s = 0;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int i = src(g, p, oy, ox, ky, kx);
                            if (i >= 0) s += X[i];
                        }
                    Y[(p * OH + oy) * OW + ox] = round(s / area);
                }
    }

    @Override default void avgPoolBackward(ConvGeom g, Buffer dy, Buffer dx) {
        String op = "avgPoolBackward";
        int OH = g.outH(), OW = g.outW(), hw = g.height() * g.width();
        need(op, "dy", dy, g.batch(), g.channels(), OH, OW);
        double[] DY = d(dy);
        double area = (double) g.kernelH() * g.kernelW();
        scatterPlanes(op, g, dx, (p, acc) -> {
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double gv = DY[(p * OH + oy) * OW + ox] / area;
                    for (int ky = 0; ky < g.kernelH(); ky++)
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int i = src(g, p, oy, ox, ky, kx);
                            if (i >= 0) acc[i - p * hw] += gv;
                        }
                }
        });
    }

    // ---- batch norm -------------------------------------------------------------------------------------------------

    /** Checks the sizes, each {name, buffer} of full (outer x channels x inner) and of perChannel (channels). */
    private static void normShapes(String op, int outer, int channels, int inner, Object[][] full, Object[][] perChannel) {
        nonNegative(op, outer, channels, inner);
        for (Object[] e : full) need(op, (String) e[0], (Buffer) e[1], outer, channels, inner);
        for (Object[] e : perChannel) need(op, (String) e[0], (Buffer) e[1], channels);
    }

    @Override default void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar,
                                     Buffer y, Buffer mean, Buffer rstd, int outer, int channels, int inner,
                                     float momentum, float eps, boolean training) {
        String op = "batchNorm";
        normShapes(op, outer, channels, inner, new Object[][] {{"x", x}, {"y", y}},
                new Object[][] {{"gamma", gamma}, {"beta", beta}, {"runMean", runMean}, {"runVar", runVar}, {"mean", mean}, {"rstd", rstd}});
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
                RM[c] = round((1.0 - momentum) * RM[c] + momentum * mu);
                RV[c] = round((1.0 - momentum) * RV[c] + momentum * unbiased);
            } else {
                mu = RM[c];
                rs = 1.0 / Math.sqrt(RV[c] + eps);
            }
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    int at = (o * channels + c) * inner + i;
                    Y[at] = round((X[at] - mu) * rs * G[c] + Bt[c]);
                }
            MU[c] = round(mu);
            RS[c] = round(rs);
        }
    }

    @Override default void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                             Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        String op = "batchNormBackward";
        normShapes(op, outer, channels, inner, new Object[][] {{"x", x}, {"dy", dy}, {"dx", dx}},
                new Object[][] {{"gamma", gamma}, {"mean", mean}, {"rstd", rstd}, {"dgamma", dgamma}, {"dbeta", dbeta}});
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
                    DX[at] = round(G[c] * rs * (DY[at] - mdy - xh * mdyx));
                }
            DG[c] = round(DG[c] + sdyx);
            DB[c] = round(DB[c] + sdy);
        }
    }

    // ---- channel concat / split -------------------------------------------------------------------------------------

    @Override default void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) {
        String op = "concatChannels";
        nonNegative(op, outer, ca, cb, inner);
        need(op, "a", a, outer, ca, inner);
        need(op, "b", b, outer, cb, inner);
        need(op, "y", y, outer, (long) ca + cb, inner);
        double[] A = d(a), Bv = d(b), Y = d(y);
        int cy = ca + cb;
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < cy; c++)
                for (int i = 0; i < inner; i++)
                    Y[(o * cy + c) * inner + i] = c < ca ? A[(o * ca + c) * inner + i] : Bv[(o * cb + c - ca) * inner + i];
    }

    @Override default void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) {
        String op = "splitChannels";
        nonNegative(op, outer, ca, cb, inner);
        need(op, "y", y, outer, (long) ca + cb, inner);
        if (a != null) need(op, "a", a, outer, ca, inner);
        if (b != null) need(op, "b", b, outer, cb, inner);
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
