package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** One recorded op on the tape: the function, its inputs and its output. */
public final class Node {
    final Function fn;
    final Tensor[] inputs;
    final Tensor output;

    Node(Function fn, Tensor[] inputs, Tensor output) {
        this.fn = fn;
        this.inputs = inputs;
        this.output = output;
    }
}
