package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * A dense layer with one layer-wide modulator node (DESIGN.md § Modulated activations; paper §2, Figure 1): the
 * modulator shares the layer's input, s = σ_m(x·w_m + b_m) is one scalar per sample, and it multiplies every
 * pre-activation before the activation: o = act(s · (x Wᵀ + b)). x (B, in) → (B, out). W (out, in), b (out),
 * w_m (1, in), b_m (1); Kaiming-uniform weights, zero biases (as {@link Linear}).
 */
public final class ModulatedDense extends Module {
    public final int in, out;
    public final UnaryOp act, modAct;
    private final Tensor weight, bias, modWeight, modBias;

    public ModulatedDense(Backend backend, int in, int out, UnaryOp act, UnaryOp modAct, SplittableRandom rng) {
        this.in = in;
        this.out = out;
        this.act = act;
        this.modAct = modAct;
        this.weight = param("weight", backend, Init.kaimingUniform(rng, in * out, in), out, in);
        this.bias = param("bias", backend, new float[out], out);
        this.modWeight = param("mod_weight", backend, Init.kaimingUniform(rng, in, in), 1, in);
        this.modBias = param("mod_bias", backend, new float[1], 1);
    }

    @Override public Tensor forward(Tensor x) {
        Tensor v = Ops.linear(x, weight, bias);          // (B, out)
        Tensor u = Ops.linear(x, modWeight, modBias);    // (B, 1): one modulation per sample
        return Ops.modAct(act, modAct, v, u);
    }
}
