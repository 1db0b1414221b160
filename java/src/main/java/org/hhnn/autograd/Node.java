package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** One recorded op on the tape: the function, its inputs and its outputs. */
public final class Node {
    final MultiFunction fn;
    final String name;
    final Tensor[] inputs;
    final Tensor[] outputs;

    Node(MultiFunction fn, String name, Tensor[] inputs, Tensor[] outputs) {
        this.fn = fn;
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
    }
}
