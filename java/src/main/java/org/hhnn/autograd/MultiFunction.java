package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/**
 * A differentiable op with several outputs (e.g. one HH window: end state, readout basis, spike
 * counts). Its backward gets one gradient per output, null for outputs nothing depended on.
 */
public interface MultiFunction {
    Tensor[] backward(Tensor[] gradOuts);
}
