package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** Fully connected layer y = x Wᵀ + b, W (out, in); Kaiming-uniform weights, zero bias. */
public final class Linear extends Module {
    public final int in, out;
    private final Tensor weight, bias;

    public Linear(Backend backend, int in, int out, SplittableRandom rng) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", backend, Init.kaimingUniform(rng, in * out, in), out, in);
        this.bias = param("bias", backend, new float[out], out);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }

    @Override public Tensor forward(Tensor x) { return Ops.linear(x, weight, bias); }
}
