package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * A conv layer with one modulator filter (DESIGN.md § Modulated activations; paper §2, Figures 1 and 2): an extra
 * filter of the same kernel over the same input gives u (B, 1, OH, OW), and s = σ_m(u) multiplies every channel's
 * pre-activation at that position before the activation: o = act(s · v), v = conv(x) (B, out, OH, OW).
 *
 * <p>The modulator filter is stored as the last of out + 1 filters in one weight (out + 1, in, k, k) (and bias
 * (out + 1)), so the layer runs one im2col and one gemm, then splits the modulator channel off: the parameters are
 * exactly those of a separate filter (in·k·k weights + 1 bias), at the cost of one channel more in the gemm.
 */
public final class ModulatedConv2d extends Module {
    public final int in, out, kernel, stride, pad;
    public final UnaryOp act, modAct;
    private final Tensor weight, bias;

    public ModulatedConv2d(Backend backend, int in, int out, int kernel, int stride, int pad, boolean bias,
                           UnaryOp act, UnaryOp modAct, SplittableRandom rng) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        this.act = act;
        this.modAct = modAct;
        int fanIn = in * kernel * kernel;
        this.weight = param("weight", backend, Init.kaimingUniform(rng, (out + 1) * fanIn, fanIn), out + 1, in, kernel, kernel);
        this.bias = bias ? param("bias", backend, new float[out + 1], out + 1) : null;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor[] vu = Ops.splitChannels(Ops.conv2d(x, weight, bias, stride, pad), out);   // v (B, out, ..), u (B, 1, ..)
        return Ops.modAct(act, modAct, vu[0], vu[1]);
    }
}
