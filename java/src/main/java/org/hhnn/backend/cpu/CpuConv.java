package org.hhnn.backend.cpu;

import static org.hhnn.backend.cpu.CpuBackend.addr;
import static org.hhnn.backend.cpu.CpuBackend.nonNegative;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.ConvGeom;

/**
 * The cpu backend's convolution-side primitives ({@link org.hhnn.backend.Backend#im2col} … splitChannels): validates
 * every argument, then calls {@code native/cpu_conv.cpp} (index math in {@code kernels/conv.cuh}). Twin: ReferenceConv.
 * Tested by ConvParityTest.
 */
final class CpuConv {
    private CpuConv() {}

    // The geometry as 8 ints: B, C, H, W, KH, KW, S, P (the native side derives OH, OW).
    private static native void im2col(long x, long cols, int b, int c, int h, int w, int kh, int kw, int s, int p);
    private static native void col2im(long cols, long x, int b, int c, int h, int w, int kh, int kw, int s, int p);
    // native/cpu_conv2d.cpp; bias, dx, dw, dbias may be 0 (= null).
    private static native void conv2d(long x, long w, long bias, long y, int b, int c, int h, int wd, int kh, int kw, int s, int p, int oc);
    private static native void conv2dBackward(long x, long w, long dy, long dx, long dw, long dbias,
                                              int b, int c, int h, int wd, int kh, int kw, int s, int p, int oc);
    private static native void swapAxes(long x, long y, int a, int b, int inner);
    private static native void addChannelBias(long x, long bias, long y, int outer, int channels, int inner);
    private static native void sumChannels(long x, long y, int outer, int channels, int inner, float beta);
    private static native void maxPool(long x, long y, long argmax, int b, int c, int h, int w, int kh, int kw, int s, int p);
    private static native void maxPoolBackward(long dy, long argmax, long dx, int b, int c, int h, int w, int kh, int kw, int s, int p);
    private static native void avgPool(long x, long y, int b, int c, int h, int w, int kh, int kw, int s, int p);
    private static native void avgPoolBackward(long dy, long dx, int b, int c, int h, int w, int kh, int kw, int s, int p);
    private static native void batchNorm(long x, long gamma, long beta, long runMean, long runVar, long y, long mean, long rstd,
                                         int outer, int channels, int inner, float momentum, float eps, boolean training);
    private static native void batchNormBackward(long x, long gamma, long mean, long rstd, long dy, long dx, long dgamma,
                                                 long dbeta, int outer, int channels, int inner);
    private static native void concatChannels(long a, long b, long y, int outer, int ca, int cb, int inner);
    // a or b may be 0 (= null).
    private static native void splitChannels(long y, long a, long b, int outer, int ca, int cb, int inner);

    private static ConvGeom geom(String p, ConvGeom g) {
        if (g == null) throw new IllegalArgumentException(p + ": geometry is null");
        return g;
    }

    private static void sizes(String p, int... v) {
        for (int x : v) nonNegative(p, "size", x);
    }

    static void im2col(ConvGeom g, Buffer x, Buffer cols) {
        String p = "im2col";
        long n = geom(p, g).colRows() * g.colCols();
        im2col(addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void col2im(ConvGeom g, Buffer cols, Buffer x) {
        String p = "col2im";
        long n = geom(p, g).colRows() * g.colCols();
        col2im(addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW"), addr(p, "x", x, g.inputSize(), "B*C*H*W"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void conv2d(ConvGeom g, int oc, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String p = "conv2d";
        geom(p, g);
        nonNegative(p, "outChannels", oc);
        long ws = (long) oc * g.colRows(), ys = (long) g.batch() * oc * g.outH() * g.outW();
        conv2d(addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "w", w, ws, "OC*C*kh*kw"),
                bias == null ? 0L : addr(p, "bias", bias, oc, "OC"), addr(p, "y", y, ys, "B*OC*OH*OW"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad(), oc);
    }

    static void conv2dBackward(ConvGeom g, int oc, Buffer x, Buffer w, Buffer dy, Buffer dx, Buffer dw, Buffer dbias) {
        String p = "conv2dBackward";
        geom(p, g);
        nonNegative(p, "outChannels", oc);
        long ws = (long) oc * g.colRows(), ys = (long) g.batch() * oc * g.outH() * g.outW();
        conv2dBackward(addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "w", w, ws, "OC*C*kh*kw"),
                addr(p, "dy", dy, ys, "B*OC*OH*OW"), dx == null ? 0L : addr(p, "dx", dx, g.inputSize(), "B*C*H*W"),
                dw == null ? 0L : addr(p, "dw", dw, ws, "OC*C*kh*kw"), dbias == null ? 0L : addr(p, "dbias", dbias, oc, "OC"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad(), oc);
    }

    static void swapAxes(Buffer x, Buffer y, int a, int b, int inner) {
        String p = "swapAxes";
        sizes(p, a, b, inner);
        long n = (long) a * b * inner;
        long px = addr(p, "x", x, n, "a*b*inner"), py = addr(p, "y", y, n, "a*b*inner");
        if (px == py && n > 0) throw new IllegalArgumentException(p + ": y may not alias x");
        swapAxes(px, py, a, b, inner);
    }

    static void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) {
        String p = "addChannelBias";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        addChannelBias(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "bias", bias, channels, "channels"),
                addr(p, "y", y, n, "outer*channels*inner"), outer, channels, inner);
    }

    static void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) {
        String p = "sumChannels";
        sizes(p, outer, channels, inner);
        sumChannels(addr(p, "x", x, (long) outer * channels * inner, "outer*channels*inner"),
                addr(p, "y", y, channels, "channels"), outer, channels, inner, beta);
    }

    static void maxPool(ConvGeom g, Buffer x, Buffer y, Buffer argmax) {
        String p = "maxPool";
        long out = geom(p, g).outputSize();
        maxPool(addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "y", y, out, "B*C*OH*OW"), addr(p, "argmax", argmax, out, "B*C*OH*OW"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void maxPoolBackward(ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) {
        String p = "maxPoolBackward";
        long out = geom(p, g).outputSize();
        maxPoolBackward(addr(p, "dy", dy, out, "B*C*OH*OW"), addr(p, "argmax", argmax, out, "B*C*OH*OW"),
                addr(p, "dx", dx, g.inputSize(), "B*C*H*W"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void avgPool(ConvGeom g, Buffer x, Buffer y) {
        String p = "avgPool";
        long out = geom(p, g).outputSize();
        avgPool(addr(p, "x", x, g.inputSize(), "B*C*H*W"), addr(p, "y", y, out, "B*C*OH*OW"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void avgPoolBackward(ConvGeom g, Buffer dy, Buffer dx) {
        String p = "avgPoolBackward";
        long out = geom(p, g).outputSize();
        avgPoolBackward(addr(p, "dy", dy, out, "B*C*OH*OW"), addr(p, "dx", dx, g.inputSize(), "B*C*H*W"),
                g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    static void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean, Buffer rstd,
                          int outer, int channels, int inner, float momentum, float eps, boolean training) {
        String p = "batchNorm";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        batchNorm(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "gamma", gamma, channels, "channels"),
                addr(p, "beta", beta, channels, "channels"), addr(p, "runMean", runMean, channels, "channels"),
                addr(p, "runVar", runVar, channels, "channels"), addr(p, "y", y, n, "outer*channels*inner"),
                addr(p, "mean", mean, channels, "channels"), addr(p, "rstd", rstd, channels, "channels"),
                outer, channels, inner, momentum, eps, training);
    }

    static void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                  Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        String p = "batchNormBackward";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        batchNormBackward(addr(p, "x", x, n, "outer*channels*inner"), addr(p, "gamma", gamma, channels, "channels"),
                addr(p, "mean", mean, channels, "channels"), addr(p, "rstd", rstd, channels, "channels"),
                addr(p, "dy", dy, n, "outer*channels*inner"), addr(p, "dx", dx, n, "outer*channels*inner"),
                addr(p, "dgamma", dgamma, channels, "channels"), addr(p, "dbeta", dbeta, channels, "channels"), outer, channels, inner);
    }

    static void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) {
        String p = "concatChannels";
        sizes(p, outer, ca, cb, inner);
        int cy = Math.addExact(ca, cb);
        concatChannels(addr(p, "a", a, (long) outer * ca * inner, "outer*ca*inner"), addr(p, "b", b, (long) outer * cb * inner, "outer*cb*inner"),
                addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner"), outer, ca, cb, inner);
    }

    static void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) {
        String p = "splitChannels";
        sizes(p, outer, ca, cb, inner);
        int cy = Math.addExact(ca, cb);
        splitChannels(addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner"),
                a == null ? 0L : addr(p, "a", a, (long) outer * ca * inner, "outer*ca*inner"),
                b == null ? 0L : addr(p, "b", b, (long) outer * cb * inner, "outer*cb*inner"), outer, ca, cb, inner);
    }
}
