package org.hhnn.backend;

/**
 * The geometry of one 2-d window operation on NCHW tensors ({@link Backend#im2col}, {@link Backend#maxPool},
 * {@link Backend#avgPool}): input (batch, channels, height, width), a kernelH × kernelW window moved by stride in both
 * directions, zero padding pad on every side. Output size (floor, as PyTorch):
 * outH = (height + 2·pad − kernelH) / stride + 1, likewise outW. The padding must be smaller than the kernel, so
 * every window overlaps the input (a max over padding alone would have no argmax).
 * Mirrored by {@code struct ConvGeom} in kernels/conv.cuh (see {@link #pack}).
 */
public record ConvGeom(int batch, int channels, int height, int width, int kernelH, int kernelW, int stride, int pad) {

    public ConvGeom {
        if (batch < 0 || channels < 0)
            throw new IllegalArgumentException("conv geometry: batch and channels must be >= 0, got " + batch + ", " + channels);
        if (height < 1 || width < 1)
            throw new IllegalArgumentException("conv geometry: the input plane must be at least 1x1, got " + height + "x" + width);
        if (kernelH < 1 || kernelW < 1)
            throw new IllegalArgumentException("conv geometry: the kernel must be at least 1x1, got " + kernelH + "x" + kernelW);
        if (stride < 1) throw new IllegalArgumentException("conv geometry: stride must be >= 1, got " + stride);
        if (pad < 0 || pad >= kernelH || pad >= kernelW)
            throw new IllegalArgumentException("conv geometry: padding must be in [0, kernel size), got " + pad
                    + " for a " + kernelH + "x" + kernelW + " kernel");
        if (height + 2L * pad < kernelH || width + 2L * pad < kernelW)
            throw new IllegalArgumentException("conv geometry: a " + kernelH + "x" + kernelW + " kernel does not fit a "
                    + height + "x" + width + " input padded by " + pad);
        if ((long) height * width > (1 << 24))
            throw new IllegalArgumentException("conv geometry: planes above 2^24 positions are not supported (pooling stores "
                    + "positions as exact float32 integers), got " + height + "x" + width);
    }

    /** A same-geometry window over a different batch size. */
    public ConvGeom withBatch(int b) { return new ConvGeom(b, channels, height, width, kernelH, kernelW, stride, pad); }

    public int outH() { return (height + 2 * pad - kernelH) / stride + 1; }
    public int outW() { return (width + 2 * pad - kernelW) / stride + 1; }

    /** B·C·H·W. */
    public long inputSize() { return (long) batch * channels * height * width; }
    /** B·C·OH·OW (the pooled output; a convolution's output has its own channel count). */
    public long outputSize() { return (long) batch * channels * outH() * outW(); }
    /** Rows of im2col's matrix: C·kh·kw. */
    public long colRows() { return (long) channels * kernelH * kernelW; }
    /** Columns of im2col's matrix: B·OH·OW. */
    public long colCols() { return (long) batch * outH() * outW(); }

    /** The ints in kernels/conv.cuh ConvGeom's order: B, C, H, W, KH, KW, S, P, OH, OW. */
    public int[] pack() { return new int[] {batch, channels, height, width, kernelH, kernelW, stride, pad, outH(), outW()}; }

    @Override public String toString() {
        return "(" + batch + ", " + channels + ", " + height + ", " + width + ") window " + kernelH + "x" + kernelW
                + " stride " + stride + " pad " + pad;
    }
}
