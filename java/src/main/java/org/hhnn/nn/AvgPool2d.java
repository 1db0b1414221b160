package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.tensor.Tensor;

/** Average pooling over k×k windows of an NCHW tensor, or over the whole plane ({@link #global()}). */
public final class AvgPool2d extends Module {
    public final int kernel, stride;   // kernel 0 = global

    public AvgPool2d(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    /** (B, C, H, W) → (B, C, 1, 1). */
    public static AvgPool2d global() { return new AvgPool2d(0, 1); }

    @Override public Tensor forward(Tensor x) {
        return kernel == 0 ? Ops.avgPool2d(x, x.dim(2), x.dim(3), 1, 0) : Ops.avgPool2d(x, kernel, kernel, stride, 0);
    }
}
