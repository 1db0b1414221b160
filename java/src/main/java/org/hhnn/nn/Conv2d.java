package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * 2-d convolution of x (B, in, H, W) with a k×k kernel, stride, zero padding: (B, out, OH, OW). W (out, in, k, k)
 * Kaiming-uniform (fan-in in·k·k), bias (out) zero or absent.
 */
public final class Conv2d extends Module {
    public final int in, out, kernel, stride, pad;
    private final Tensor weight, bias;

    public Conv2d(Backend backend, int in, int out, int kernel, int stride, int pad, boolean bias, SplittableRandom rng) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        int fanIn = in * kernel * kernel;
        this.weight = param("weight", backend, Init.kaimingUniform(rng, out * fanIn, fanIn), out, in, kernel, kernel);
        this.bias = bias ? param("bias", backend, new float[out], out) : null;
    }

    @Override public Tensor forward(Tensor x) { return Ops.conv2d(x, weight, bias, stride, pad); }
}
