package org.hhnn.autograd;

import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * Modulated activation o = act(σ_m(u) · v) (DESIGN.md § Modulated activations; Backend.modActForward). v is viewed as
 * (outer, channels, inner) and u as (outer, inner), read off the shapes: outer = u.dim(0) = v.dim(0), inner =
 * u.size()/outer, channels = v.size()/u.size(). So u (B, 1) with v (B, N) is layer-wide dense, u (B, 1, H, W) with
 * v (B, C, H, W) per position, and u shaped like v per node. Saves v and u only (the backward recomputes).
 */
final class ModActFn implements MultiFunction {
    private final UnaryOp act, modAct;
    private final Tensor v, u;
    private final int outer, channels, inner;

    private ModActFn(UnaryOp act, UnaryOp modAct, Tensor v, Tensor u, int outer, int channels, int inner) {
        this.act = act; this.modAct = modAct; this.v = v; this.u = u;
        this.outer = outer; this.channels = channels; this.inner = inner;
    }

    static Tensor apply(UnaryOp act, UnaryOp modAct, Tensor v, Tensor u) {
        if (u.rank() < 1 || v.rank() < 1 || u.dim(0) != v.dim(0) || u.size() == 0 || v.size() % u.size() != 0)
            throw new IllegalArgumentException("modAct: modulation " + u + " must share the first axis of " + v
                    + " and divide its size (u (outer, ..inner) against v (outer, channels, ..inner))");
        int outer = u.dim(0), inner = Math.toIntExact(u.size() / outer), channels = Math.toIntExact(v.size() / u.size());
        Tensor out = v.emptyLike();   // overwritten
        v.backend().modActForward(act, modAct, v.buffer(), u.buffer(), out.buffer(), outer, channels, inner);
        return Tape.recordMulti(new ModActFn(act, modAct, v, u, outer, channels, inner), new Tensor[] {out}, v, u)[0];
    }

    @Override public Tensor[] backward(Tensor[] g) {
        Tensor dv = v.requiresGrad() ? v.emptyLike() : null, du = u.requiresGrad() ? u.emptyLike() : null;   // overwritten
        v.backend().modActBackward(act, modAct, v.buffer(), u.buffer(), g[0].buffer(), dv == null ? null : dv.buffer(),
                du == null ? null : du.buffer(), outer, channels, inner);
        return new Tensor[] {dv, du};
    }
}
