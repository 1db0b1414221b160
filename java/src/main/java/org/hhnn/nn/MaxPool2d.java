package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.tensor.Tensor;

/** Max pooling over k×k windows of an NCHW tensor (stride k unless given: PyTorch's default). */
public final class MaxPool2d extends Module {
    public final int kernel, stride, pad;

    public MaxPool2d(int kernel) { this(kernel, kernel, 0); }

    public MaxPool2d(int kernel, int stride, int pad) {
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
    }

    @Override public Tensor forward(Tensor x) { return Ops.maxPool2d(x, kernel, stride, pad); }
}
