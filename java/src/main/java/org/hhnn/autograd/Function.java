package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/**
 * One differentiable op: its forward lives in the op's static factory (which saves in the
 * instance only what backward needs), its backward here, side by side in the same class.
 */
public interface Function {
    /**
     * Gradients with respect to each input, given the gradient of the output. An entry may be null
     * when that input needs no gradient. Returned tensors are fresh (scoped) tensors or gradOut itself.
     */
    Tensor[] backward(Tensor gradOut);
}
