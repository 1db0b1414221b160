package org.hhnn.backend;

/**
 * {@link Backend#conv2d} and {@link Backend#conv2dBackward} composed of a backend's own primitives, for a backend that
 * has no fused convolution (cuda: its kernels and cuBLAS): im2col of the whole batch, one gemm, swapAxes to NCHW and
 * the channel bias; backward the transposed gemms, col2im and sumChannels. Temporaries are freed before returning.
 * Tested by CudaConvParityTest (ConvParityCases).
 */
public final class Im2colConv {
    private Im2colConv() {}

    private static void need(String op, String name, Buffer b, long n) {
        if (b == null) throw new IllegalArgumentException(op + ": buffer " + name + " is null");
        if (b.length < n) throw new IllegalArgumentException(op + ": buffer " + name + " holds " + b.length + " floats but " + n + " are needed");
    }

    private static void check(String op, ConvGeom g, int oc, Buffer x, Buffer w) {
        if (g == null) throw new IllegalArgumentException(op + ": geometry is null");
        if (oc < 0) throw new IllegalArgumentException(op + ": outChannels must be >= 0, got " + oc);
        need(op, "x", x, g.inputSize());
        need(op, "w", w, (long) oc * g.colRows());
    }

    public static void forward(Backend be, ConvGeom g, int oc, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String op = "conv2d";
        check(op, g, oc, x, w);
        if (bias != null) need(op, "bias", bias, oc);
        int ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        need(op, "y", y, (long) oc * n);
        Buffer cols = be.allocUninitialized((long) ck * n), yc = null;
        try {
            be.im2col(g, x, cols);
            yc = be.allocUninitialized((long) oc * n);   // (OC, B, OH·OW)
            be.gemm(false, false, oc, n, ck, 1f, w, cols, 0f, yc);
            be.swapAxes(yc, y, oc, g.batch(), hw);
            if (bias != null) be.addChannelBias(y, bias, y, g.batch(), oc, hw);
        } finally {
            be.free(cols);
            if (yc != null) be.free(yc);
        }
    }

    public static void backward(Backend be, ConvGeom g, int oc, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw, Buffer dbias) {
        String op = "conv2dBackward";
        check(op, g, oc, x, w);
        int ck = Math.toIntExact(g.colRows()), n = Math.toIntExact(g.colCols()), hw = g.outH() * g.outW();
        need(op, "dy", dy, (long) oc * n);
        if (dx != null) need(op, "dx", dx, g.inputSize());
        if (dw != null) need(op, "dw", dw, (long) oc * ck);
        if (dbias != null) need(op, "dbias", dbias, oc);
        Buffer dyc = be.allocUninitialized((long) oc * n), cols = null;   // dy as (OC, B, OH·OW)
        try {
            be.swapAxes(dy, dyc, g.batch(), oc, hw);
            if (dw != null) {   // dW (OC, C·kh·kw) = dyc · colsᵀ
                cols = be.allocUninitialized((long) ck * n);
                be.im2col(g, x, cols);
                be.gemm(false, true, oc, ck, n, 1f, dyc, cols, 0f, dw);
            }
            if (dbias != null) be.sumChannels(dy, dbias, g.batch(), oc, hw, 0f);
            if (dx != null) {   // dcols (C·kh·kw, B·OH·OW) = Wᵀ · dyc, folded back by col2im onto dx = 0
                if (cols == null) cols = be.allocUninitialized((long) ck * n);
                be.gemm(true, false, ck, n, oc, 1f, w, dyc, 0f, cols);
                be.fill(dx, 0f, g.inputSize());
                be.col2im(g, cols, dx);
            }
        } finally {
            be.free(dyc);
            if (cols != null) be.free(cols);
        }
    }
}
