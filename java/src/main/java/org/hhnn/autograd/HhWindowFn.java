package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.HhSpec;
import org.hhnn.tensor.Tensor;

/**
 * One HH window (DESIGN.md § HH layer) as one tape node: inputs start state (B, M, 4), current
 * (B, M), optional conductances (M, 3); outputs end state (B, M, 4), readout basis sums
 * (B, M, D+1) and spike counts (B, M). Saves only the inputs: the backward recomputes the window
 * from its start state, so memory grows with the number of windows, not of steps.
 */
final class HhWindowFn implements MultiFunction {
    private final HhSpec spec;
    private final Tensor state, current, cond;

    private HhWindowFn(HhSpec spec, Tensor state, Tensor current, Tensor cond) {
        this.spec = spec; this.state = state; this.current = current; this.cond = cond;
    }

    /** Returns {stateOut, basisSum, spikes}. */
    static Tensor[] apply(HhSpec spec, Tensor state, Tensor current, Tensor cond) {
        if (current.rank() != 2)
            throw new IllegalArgumentException("hh window: current must be (batch, neurons), got " + current);
        int b = current.dim(0), m = current.dim(1);
        state.expectShape("hh window start state", b, m, 4);
        if (cond != null) cond.expectShape("hh conductances (g_Na, g_K, g_L per neuron)", m, 3);
        Backend be = current.backend();
        Tensor out = Tensor.empty(be, b, m, 4), basis = Tensor.empty(be, b, m, spec.degree() + 1), spikes = Tensor.empty(be, b, m);
        be.hhForward(spec, state.buffer(), current.buffer(), cond == null ? null : cond.buffer(),
                out.buffer(), basis.buffer(), spikes.buffer(), b, m);
        return Tape.recordMulti(new HhWindowFn(spec, state, current, cond), new Tensor[] {out, basis, spikes}, state, current, cond);
    }

    @Override public Tensor[] backward(Tensor[] g) {
        int b = current.dim(0), m = current.dim(1);
        Backend be = current.backend();
        Tensor dState = Tensor.empty(be, b, m, 4), dCurrent = Tensor.empty(be, b, m);
        Tensor dCond = cond != null && cond.requiresGrad() ? Tensor.zeros(be, m, 3) : null;
        be.hhBackward(spec, state.buffer(), current.buffer(), cond == null ? null : cond.buffer(),
                buf(g[0]), buf(g[1]), buf(g[2]), dState.buffer(), dCurrent.buffer(), dCond == null ? null : dCond.buffer(), b, m);
        return new Tensor[] {state.requiresGrad() ? dState : null, current.requiresGrad() ? dCurrent : null, dCond};
    }

    private static org.hhnn.backend.Buffer buf(Tensor t) { return t == null ? null : t.buffer(); }
}
