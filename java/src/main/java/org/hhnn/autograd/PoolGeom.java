package org.hhnn.autograd;

import org.hhnn.backend.ConvGeom;
import org.hhnn.tensor.Tensor;

/** The window geometry of a pooling op on an NCHW tensor, with a message naming the op when x is not 4-d. */
final class PoolGeom {
    private PoolGeom() {}

    static ConvGeom of(String op, Tensor x, int kernel, int stride, int pad) { return of(op, x, kernel, kernel, stride, pad); }

    static ConvGeom of(String op, Tensor x, int kernelH, int kernelW, int stride, int pad) {
        if (x.rank() != 4) throw new IllegalArgumentException(op + ": expected an NCHW input (B, C, H, W), got " + x);
        return new ConvGeom(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernelH, kernelW, stride, pad);
    }
}
