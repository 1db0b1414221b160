package org.hhnn.backend.cuda;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.ConvGeom;

/**
 * The cuda backend's convolution-side primitives ({@link org.hhnn.backend.Backend#im2col} … splitChannels): validates
 * every argument as {@link CudaBackend} does (IllegalArgumentExceptions naming the primitive, the buffer and the sizes;
 * kernels never see a buffer shorter than they index), then launches kernels/conv.cu. Twin: ReferenceConv, CpuConv.
 * Tested by CudaConvParityTest.
 */
final class CudaConv {
    private final CudaBackend backend;

    // Built in CudaBackend's field initialiser, before its device is set: the device is looked up on each call.
    CudaConv(CudaBackend backend) { this.backend = backend; }

    // ---- checks and launches ------------------------------------------------------------------------------------

    private long addr(String primitive, String name, Buffer b, long need, String formula) {
        if (b == null) throw new IllegalArgumentException(primitive + ": buffer " + name + " is null");
        if (!(b instanceof DeviceBuffer) || ((DeviceBuffer) b).device != backend.device())
            throw new IllegalArgumentException(primitive + ": buffer " + name + " is a " + b.getClass().getSimpleName()
                    + " of another backend, not a " + backend.name() + " DeviceBuffer");
        b.checkLive();
        if (b.length < need)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " holds " + b.length
                    + " floats but " + formula + " = " + need + " are needed");
        return ((DeviceBuffer) b).address;
    }

    private static void sizes(String primitive, int... v) {
        for (int x : v) if (x < 0) throw new IllegalArgumentException(primitive + ": sizes must be >= 0, got " + x);
    }

    private static ConvGeom geom(String primitive, ConvGeom g) {
        if (g == null) throw new IllegalArgumentException(primitive + ": geometry is null");
        return g;
    }

    private void launch(String kernel, long count, KernelArgs args) {
        if (count > 0) backend.device().launch(kernel, LaunchConfig.forCount(count), args);
    }

    private static KernelArgs withGeom(KernelArgs a, ConvGeom g) {
        for (int v : g.pack()) a.i32(v);
        return a;
    }

    // ---- im2col / col2im, layout, bias ----------------------------------------------------------------------------

    void im2col(ConvGeom g, Buffer x, Buffer cols) {
        String p = "im2col";
        long n = geom(p, g).colRows() * g.colCols();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "x", x, g.inputSize(), "B*C*H*W")).ptr(addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW"));
        launch("hhnn_im2col_f32", n, withGeom(a, g));
    }

    void col2im(ConvGeom g, Buffer cols, Buffer x) {
        String p = "col2im";
        long n = geom(p, g).colRows() * g.colCols();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "cols", cols, n, "C*kh*kw*B*OH*OW")).ptr(addr(p, "x", x, g.inputSize(), "B*C*H*W"));
        launch("hhnn_col2im_f32", g.inputSize(), withGeom(a, g));
    }

    void swapAxes(Buffer x, Buffer y, int a, int b, int inner) {
        String p = "swapAxes";
        sizes(p, a, b, inner);
        long n = (long) a * b * inner;
        launch("hhnn_swap_axes_f32", n, KernelArgs.of().ptr(addr(p, "x", x, n, "a*b*inner")).ptr(addr(p, "y", y, n, "a*b*inner"))
                .i32(a).i32(b).i32(inner));
    }

    void addChannelBias(Buffer x, Buffer bias, Buffer y, int outer, int channels, int inner) {
        String p = "addChannelBias";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        launch("hhnn_add_channel_bias_f32", n, KernelArgs.of().ptr(addr(p, "x", x, n, "outer*channels*inner"))
                .ptr(addr(p, "bias", bias, channels, "channels")).ptr(addr(p, "y", y, n, "outer*channels*inner"))
                .i32(outer).i32(channels).i32(inner));
    }

    void sumChannels(Buffer x, Buffer y, int outer, int channels, int inner, float beta) {
        String p = "sumChannels";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        launch("hhnn_sum_channels_f32", channels, KernelArgs.of().ptr(addr(p, "x", x, n, "outer*channels*inner"))
                .ptr(addr(p, "y", y, channels, "channels")).i32(outer).i32(channels).i32(inner).f32(beta));
    }

    // ---- pooling ----------------------------------------------------------------------------------------------------

    void maxPool(ConvGeom g, Buffer x, Buffer y, Buffer argmax) {
        String p = "maxPool";
        long out = geom(p, g).outputSize();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "x", x, g.inputSize(), "B*C*H*W")).ptr(addr(p, "y", y, out, "B*C*OH*OW"))
                .ptr(addr(p, "argmax", argmax, out, "B*C*OH*OW"));
        launch("hhnn_max_pool_f32", out, withGeom(a, g));
    }

    void maxPoolBackward(ConvGeom g, Buffer dy, Buffer argmax, Buffer dx) {
        String p = "maxPoolBackward";
        long out = geom(p, g).outputSize();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "dy", dy, out, "B*C*OH*OW")).ptr(addr(p, "argmax", argmax, out, "B*C*OH*OW"))
                .ptr(addr(p, "dx", dx, g.inputSize(), "B*C*H*W"));
        launch("hhnn_max_pool_backward_f32", g.inputSize(), withGeom(a, g));
    }

    void avgPool(ConvGeom g, Buffer x, Buffer y) {
        String p = "avgPool";
        long out = geom(p, g).outputSize();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "x", x, g.inputSize(), "B*C*H*W")).ptr(addr(p, "y", y, out, "B*C*OH*OW"));
        launch("hhnn_avg_pool_f32", out, withGeom(a, g));
    }

    void avgPoolBackward(ConvGeom g, Buffer dy, Buffer dx) {
        String p = "avgPoolBackward";
        long out = geom(p, g).outputSize();
        KernelArgs a = KernelArgs.of().ptr(addr(p, "dy", dy, out, "B*C*OH*OW")).ptr(addr(p, "dx", dx, g.inputSize(), "B*C*H*W"));
        launch("hhnn_avg_pool_backward_f32", g.inputSize(), withGeom(a, g));
    }

    // ---- batch norm -------------------------------------------------------------------------------------------------

    void batchNorm(Buffer x, Buffer gamma, Buffer beta, Buffer runMean, Buffer runVar, Buffer y, Buffer mean, Buffer rstd,
                   int outer, int channels, int inner, float momentum, float eps, boolean training) {
        String p = "batchNorm";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        long px = addr(p, "x", x, n, "outer*channels*inner"), py = addr(p, "y", y, n, "outer*channels*inner");
        long pg = addr(p, "gamma", gamma, channels, "channels"), pb = addr(p, "beta", beta, channels, "channels");
        long prm = addr(p, "runMean", runMean, channels, "channels"), prv = addr(p, "runVar", runVar, channels, "channels");
        long pm = addr(p, "mean", mean, channels, "channels"), prs = addr(p, "rstd", rstd, channels, "channels");
        launch("hhnn_batch_norm_stats_f32", channels, KernelArgs.of().ptr(px).ptr(prm).ptr(prv).ptr(pm).ptr(prs)
                .i32(outer).i32(channels).i32(inner).f32(momentum).f32(eps).i32(training));
        launch("hhnn_batch_norm_apply_f32", n, KernelArgs.of().ptr(px).ptr(pg).ptr(pb).ptr(pm).ptr(prs).ptr(py)
                .i32(outer).i32(channels).i32(inner));
    }

    void batchNormBackward(Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                           Buffer dx, Buffer dgamma, Buffer dbeta, int outer, int channels, int inner) {
        String p = "batchNormBackward";
        sizes(p, outer, channels, inner);
        long n = (long) outer * channels * inner;
        long px = addr(p, "x", x, n, "outer*channels*inner"), pdy = addr(p, "dy", dy, n, "outer*channels*inner");
        long pdx = addr(p, "dx", dx, n, "outer*channels*inner");
        long pg = addr(p, "gamma", gamma, channels, "channels"), pm = addr(p, "mean", mean, channels, "channels");
        long prs = addr(p, "rstd", rstd, channels, "channels");
        long pdg = addr(p, "dgamma", dgamma, channels, "channels"), pdb = addr(p, "dbeta", dbeta, channels, "channels");
        if (channels == 0) return;
        Device device = backend.device();
        long sums = device.alloc(16L * channels);   // (channels, 2) doubles: Σdy, Σdy·x̂
        try {
            launch("hhnn_batch_norm_backward_sums_f32", channels, KernelArgs.of().ptr(px).ptr(pm).ptr(prs).ptr(pdy).ptr(sums)
                    .ptr(pdg).ptr(pdb).i32(outer).i32(channels).i32(inner));
            launch("hhnn_batch_norm_backward_f32", n, KernelArgs.of().ptr(px).ptr(pg).ptr(pm).ptr(prs).ptr(pdy).ptr(sums).ptr(pdx)
                    .i32(outer).i32(channels).i32(inner));
        } finally {
            device.free(sums);
        }
    }

    // ---- channel concat / split ---------------------------------------------------------------------------------

    private void copyChannels(long src, int srcC, int srcStart, long dst, int dstC, int dstStart, int count, int outer, int inner) {
        launch("hhnn_copy_channels_f32", (long) outer * count * inner, KernelArgs.of().ptr(src).i32(srcC).i32(srcStart)
                .ptr(dst).i32(dstC).i32(dstStart).i32(count).i32(outer).i32(inner));
    }

    void concatChannels(Buffer a, Buffer b, Buffer y, int outer, int ca, int cb, int inner) {
        String p = "concatChannels";
        sizes(p, outer, ca, cb, inner);
        int cy = Math.addExact(ca, cb);
        long pa = addr(p, "a", a, (long) outer * ca * inner, "outer*ca*inner");
        long pb = addr(p, "b", b, (long) outer * cb * inner, "outer*cb*inner");
        long py = addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner");
        copyChannels(pa, ca, 0, py, cy, 0, ca, outer, inner);
        copyChannels(pb, cb, 0, py, cy, ca, cb, outer, inner);
    }

    void splitChannels(Buffer y, Buffer a, Buffer b, int outer, int ca, int cb, int inner) {
        String p = "splitChannels";
        sizes(p, outer, ca, cb, inner);
        int cy = Math.addExact(ca, cb);
        long py = addr(p, "y", y, (long) outer * cy * inner, "outer*(ca+cb)*inner");
        long pa = a == null ? 0L : addr(p, "a", a, (long) outer * ca * inner, "outer*ca*inner");
        long pb = b == null ? 0L : addr(p, "b", b, (long) outer * cb * inner, "outer*cb*inner");
        if (a != null) copyChannels(py, cy, 0, pa, ca, 0, ca, outer, inner);
        if (b != null) copyChannels(py, cy, ca, pb, cb, 0, cb, outer, inner);
    }
}
