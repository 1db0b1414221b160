package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.tensor.Tensor;

/**
 * Reshapes each sample, keeping the batch axis: (B, ...) → (B, shape...). {@code new Reshape(1, 28, 28)} turns flat
 * images (B, 784) into NCHW; {@link #flatten()} turns (B, C, H, W) into (B, C·H·W). A view: no copy.
 */
public final class Reshape extends Module {
    private final int[] shape;

    public Reshape(int... shape) { this.shape = shape.clone(); }

    public static Reshape flatten() { return new Reshape(-1); }

    @Override public Tensor forward(Tensor x) {
        int[] s = new int[shape.length + 1];
        s[0] = x.dim(0);
        System.arraycopy(shape, 0, s, 1, shape.length);
        return Ops.reshape(x, s);
    }
}
