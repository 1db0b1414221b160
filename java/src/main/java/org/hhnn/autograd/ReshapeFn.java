package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** A reshaped view (shares storage); backward reshapes the gradient back. */
final class ReshapeFn implements Function {
    private final int[] inShape;

    private ReshapeFn(int[] inShape) { this.inShape = inShape; }

    static Tensor apply(Tensor x, int... shape) {
        Tensor y = x.reshape(shape);
        return Tape.record(new ReshapeFn(x.shape()), y, x);
    }

    @Override public Tensor[] backward(Tensor dy) { return new Tensor[] {dy.reshape(inShape)}; }
}
