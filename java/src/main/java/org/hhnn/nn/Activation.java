package org.hhnn.nn;

import org.hhnn.autograd.Ops;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/** An elementwise activation (relu, sigmoid, tanh, tanhshrink, softplus, ...). */
public final class Activation extends Module {
    public final UnaryOp op;

    public Activation(UnaryOp op) { this.op = op; }

    @Override public Tensor forward(Tensor x) { return Ops.unary(op, x); }
}
