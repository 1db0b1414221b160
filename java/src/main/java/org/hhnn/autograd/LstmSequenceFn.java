package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * A whole LSTM recurrence as one tape node (DESIGN.md § Modulated activations): the input projections of every step
 * come in already computed by one gemm, xGates (T·B, G·H) time-major (step t is rows t·B .. t·B+B−1, bias included);
 * each step adds the recurrent gemm h_{t−1}·W_hhᵀ (W_hh (G·H, H)) and runs the fused pointwise cell. The start state
 * (h_0, c_0) is zero or given (truncated BPTT carries it over from the previous window: a constant here, no gradient
 * flows into it). mask (T·B, host floats, time-major) marks padding with 0: a padded row keeps its state, so with
 * right-padded sequences h_T (B, H) is each sequence's last valid hidden state.
 *
 * <p>Two forms: {@link #apply} returns h_T alone (the classifiers); {@link #applyFull} returns every step's h
 * (T·B, H), and h_T, c_T (the stacked layers and the language models, whose next layer and decoder read every step).
 *
 * <p>Saves per step the preactivations (B, G·H) and the states c_t, h_t (B, H); the backward runs backprop through time
 * with per step one cell backward and two gemms (dh_{t−1} += dGates·W_hh, dW_hh += dGatesᵀ·h_{t−1}).
 */
final class LstmSequenceFn implements MultiFunction {
    private final LstmCell cell;
    private final UnaryOp modAct;
    private final Tensor xGates, wHh;
    private final Tensor[] pre, c, h, masks;   // pre[t] (B, G·H); c[t], h[t] (B, H) for t = 0..T; masks[t] (B) or null
    private final int steps, batch, hidden;
    private final boolean zeroStart, full;

    private LstmSequenceFn(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, Tensor[] pre, Tensor[] c, Tensor[] h,
                           Tensor[] masks, int steps, int batch, int hidden, boolean zeroStart, boolean full) {
        this.cell = cell; this.modAct = modAct; this.xGates = xGates; this.wHh = wHh;
        this.pre = pre; this.c = c; this.h = h; this.masks = masks;
        this.steps = steps; this.batch = batch; this.hidden = hidden;
        this.zeroStart = zeroStart; this.full = full;
    }

    /** From zero state; returns h_T (B, H). */
    static Tensor apply(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, float[] mask, int steps) {
        return run(cell, modAct, xGates, wHh, null, null, mask, steps, false)[0];
    }

    /** From (h0, c0) (B, H) each, or zero state when both are null; returns {every h (T·B, H), h_T, c_T}. */
    static Tensor[] applyFull(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, Tensor h0, Tensor c0, float[] mask, int steps) {
        return run(cell, modAct, xGates, wHh, h0, c0, mask, steps, true);
    }

    private static Tensor[] run(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, Tensor h0, Tensor c0, float[] mask,
                                int steps, boolean full) {
        if (wHh.rank() != 2 || wHh.dim(0) != cell.gates() * wHh.dim(1))
            throw new IllegalArgumentException("lstm: W_hh must be (" + cell.gates() + "·hidden, hidden), got " + wHh);
        int hidden = wHh.dim(1), gh = cell.gates() * hidden;
        if (steps < 1 || xGates.rank() != 2 || xGates.dim(1) != gh || xGates.dim(0) % steps != 0)
            throw new IllegalArgumentException("lstm: input gates must be (steps·batch, " + gh + ") for " + steps + " steps, got " + xGates);
        int batch = xGates.dim(0) / steps;
        if (mask != null && mask.length != steps * batch)
            throw new IllegalArgumentException("lstm: mask holds " + mask.length + " entries, steps·batch = " + steps * batch);
        if ((h0 == null) != (c0 == null)) throw new IllegalArgumentException("lstm: give both start states h0 and c0, or neither");
        for (Tensor s : new Tensor[] {h0, c0})
            if (s != null && (s.size() != (long) batch * hidden))
                throw new IllegalArgumentException("lstm: a start state must be (" + batch + ", " + hidden + "), got " + s);
        Backend be = xGates.backend();
        boolean zeroStart = h0 == null;
        Tensor[] pre = new Tensor[steps], c = new Tensor[steps + 1], h = new Tensor[steps + 1], masks = new Tensor[steps];
        c[0] = zeroStart ? Tensor.zeros(be, batch, hidden) : c0.reshape(batch, hidden);
        h[0] = zeroStart ? Tensor.zeros(be, batch, hidden) : h0.reshape(batch, hidden);
        Tensor all = full ? Tensor.empty(be, steps * batch, hidden) : null;
        // Step buffers every primitive below overwrites entirely are allocated without the zero fill.
        for (int t = 0; t < steps; t++) {
            pre[t] = Tensor.empty(be, batch, gh);
            be.copy(xGates.buffer(), (long) t * batch * gh, pre[t].buffer(), 0, (long) batch * gh);
            if (t > 0 || !zeroStart) be.gemm(false, true, batch, gh, hidden, 1f, h[t].buffer(), wHh.buffer(), 1f, pre[t].buffer());
            masks[t] = stepMask(be, mask, t, batch);
            c[t + 1] = Tensor.empty(be, batch, hidden);
            h[t + 1] = Tensor.empty(be, batch, hidden);
            be.lstmCellForward(cell, modAct, pre[t].buffer(), c[t].buffer(), h[t].buffer(),
                    masks[t] == null ? null : masks[t].buffer(), c[t + 1].buffer(), h[t + 1].buffer(), batch, hidden);
            if (full) be.copy(h[t + 1].buffer(), 0, all.buffer(), (long) t * batch * hidden, (long) batch * hidden);
        }
        LstmSequenceFn fn = new LstmSequenceFn(cell, modAct, xGates, wHh, pre, c, h, masks, steps, batch, hidden, zeroStart, full);
        Tensor[] outs = full ? new Tensor[] {all, h[steps], c[steps]} : new Tensor[] {h[steps]};
        return Tape.recordMulti(fn, outs, xGates, wHh);
    }

    // Step t's mask (B) on the backend, or null when every row is valid (the common case: no upload).
    private static Tensor stepMask(Backend be, float[] mask, int t, int batch) {
        if (mask == null) return null;
        float[] m = new float[batch];
        boolean all = true;
        for (int b = 0; b < batch; b++) {
            m[b] = mask[t * batch + b];
            all &= m[b] != 0f;
        }
        return all ? null : Tensor.of(be, m, batch);
    }

    @Override public Tensor[] backward(Tensor[] g) {
        Backend be = xGates.backend();
        int gh = cell.gates() * hidden;
        long bh = (long) batch * hidden;
        Tensor dAll = full ? g[0] : null, dhT = full ? g[1] : g[0], dcT = full ? g[2] : null;
        // dX (every step copies its block in), dGates and the second of each ping-pong pair below are overwritten
        // before they are read: no zero fill.
        Tensor dX = xGates.requiresGrad() ? xGates.emptyLike() : null, dW = wHh.requiresGrad() ? wHh.zerosLike() : null;
        Tensor dGates = Tensor.empty(be, batch, gh);
        // Ping-pong pairs: step t reads (dc, dh) of its outputs and writes those of its inputs.
        Tensor[] dc = {Tensor.zeros(be, batch, hidden), Tensor.empty(be, batch, hidden)};
        Tensor[] dh = {Tensor.zeros(be, batch, hidden), Tensor.empty(be, batch, hidden)};
        if (dhT != null) be.copy(dhT.buffer(), 0, dh[0].buffer(), 0, bh);
        if (dcT != null) be.copy(dcT.buffer(), 0, dc[0].buffer(), 0, bh);
        Tensor dStep = dAll != null ? Tensor.empty(be, batch, hidden) : null;
        for (int t = steps - 1, k = 0; t >= 0; t--, k ^= 1) {
            if (dAll != null) {   // step t's output also feeds the next layer (or the decoder)
                be.copy(dAll.buffer(), t * bh, dStep.buffer(), 0, bh);
                be.axpby(1f, dStep.buffer(), 1f, dh[k].buffer(), bh);
            }
            be.lstmCellBackward(cell, modAct, pre[t].buffer(), c[t].buffer(), masks[t] == null ? null : masks[t].buffer(),
                    dc[k].buffer(), dh[k].buffer(), dGates.buffer(), dc[k ^ 1].buffer(), dh[k ^ 1].buffer(), batch, hidden);
            // A zero h_0 is a constant: neither its gradient nor its W_hh term is needed; a carried one is a constant
            // too (detached), but its W_hh term is not zero.
            if (t > 0) be.gemm(false, false, batch, hidden, gh, 1f, dGates.buffer(), wHh.buffer(), 1f, dh[k ^ 1].buffer());
            if (dW != null && (t > 0 || !zeroStart))
                be.gemm(true, false, gh, hidden, batch, 1f, dGates.buffer(), h[t].buffer(), 1f, dW.buffer());
            if (dX != null) be.copy(dGates.buffer(), 0, dX.buffer(), (long) t * batch * gh, (long) batch * gh);
        }
        return new Tensor[] {dX, dW};
    }
}
