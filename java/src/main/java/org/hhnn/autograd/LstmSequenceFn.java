package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * A whole LSTM recurrence as one tape node (DESIGN.md § Modulated activations): the input projections of every step
 * come in already computed by one gemm, xGates (T·B, G·H) time-major (step t is rows t·B .. t·B+B−1, bias included);
 * each step adds the recurrent gemm h_{t−1}·W_hhᵀ (W_hh (G·H, H)) and runs the fused pointwise cell. h_0 = c_0 = 0.
 * mask (T·B, host floats, time-major) marks padding with 0: a padded row keeps its state, so with right-padded
 * sequences the output h_T (B, H) is each sequence's last valid hidden state.
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

    private LstmSequenceFn(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, Tensor[] pre, Tensor[] c, Tensor[] h,
                           Tensor[] masks, int steps, int batch, int hidden) {
        this.cell = cell; this.modAct = modAct; this.xGates = xGates; this.wHh = wHh;
        this.pre = pre; this.c = c; this.h = h; this.masks = masks;
        this.steps = steps; this.batch = batch; this.hidden = hidden;
    }

    static Tensor apply(LstmCell cell, UnaryOp modAct, Tensor xGates, Tensor wHh, float[] mask, int steps) {
        if (wHh.rank() != 2 || wHh.dim(0) != cell.gates() * wHh.dim(1))
            throw new IllegalArgumentException("lstm: W_hh must be (" + cell.gates() + "·hidden, hidden), got " + wHh);
        int hidden = wHh.dim(1), gh = cell.gates() * hidden;
        if (steps < 1 || xGates.rank() != 2 || xGates.dim(1) != gh || xGates.dim(0) % steps != 0)
            throw new IllegalArgumentException("lstm: input gates must be (steps·batch, " + gh + ") for " + steps + " steps, got " + xGates);
        int batch = xGates.dim(0) / steps;
        if (mask != null && mask.length != steps * batch)
            throw new IllegalArgumentException("lstm: mask holds " + mask.length + " entries, steps·batch = " + steps * batch);
        Backend be = xGates.backend();
        Tensor[] pre = new Tensor[steps], c = new Tensor[steps + 1], h = new Tensor[steps + 1], masks = new Tensor[steps];
        c[0] = Tensor.zeros(be, batch, hidden);
        h[0] = Tensor.zeros(be, batch, hidden);
        // Step buffers every primitive below overwrites entirely are allocated without the zero fill.
        for (int t = 0; t < steps; t++) {
            pre[t] = Tensor.empty(be, batch, gh);
            be.copy(xGates.buffer(), (long) t * batch * gh, pre[t].buffer(), 0, (long) batch * gh);
            if (t > 0) be.gemm(false, true, batch, gh, hidden, 1f, h[t].buffer(), wHh.buffer(), 1f, pre[t].buffer());
            masks[t] = stepMask(be, mask, t, batch);
            c[t + 1] = Tensor.empty(be, batch, hidden);
            h[t + 1] = Tensor.empty(be, batch, hidden);
            be.lstmCellForward(cell, modAct, pre[t].buffer(), c[t].buffer(), h[t].buffer(),
                    masks[t] == null ? null : masks[t].buffer(), c[t + 1].buffer(), h[t + 1].buffer(), batch, hidden);
        }
        LstmSequenceFn fn = new LstmSequenceFn(cell, modAct, xGates, wHh, pre, c, h, masks, steps, batch, hidden);
        return Tape.recordMulti(fn, new Tensor[] {h[steps]}, xGates, wHh)[0];
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
        // dX (every step copies its block in), dGates and the second of each ping-pong pair below are overwritten
        // before they are read: no zero fill.
        Tensor dX = xGates.requiresGrad() ? xGates.emptyLike() : null, dW = wHh.requiresGrad() ? wHh.zerosLike() : null;
        Tensor dGates = Tensor.empty(be, batch, gh);
        // Ping-pong pairs: step t reads (dc, dh) of its outputs and writes those of its inputs.
        Tensor[] dc = {Tensor.zeros(be, batch, hidden), Tensor.empty(be, batch, hidden)};
        Tensor[] dh = {Tensor.empty(be, batch, hidden), Tensor.empty(be, batch, hidden)};
        be.copy(g[0].buffer(), 0, dh[0].buffer(), 0, (long) batch * hidden);   // dc_T = 0 (zeros)
        for (int t = steps - 1, k = 0; t >= 0; t--, k ^= 1) {
            be.lstmCellBackward(cell, modAct, pre[t].buffer(), c[t].buffer(), masks[t] == null ? null : masks[t].buffer(),
                    dc[k].buffer(), dh[k].buffer(), dGates.buffer(), dc[k ^ 1].buffer(), dh[k ^ 1].buffer(), batch, hidden);
            if (t > 0) {   // h_0 = 0 is a constant: neither its gradient nor its W_hh term is needed
                be.gemm(false, false, batch, hidden, gh, 1f, dGates.buffer(), wHh.buffer(), 1f, dh[k ^ 1].buffer());
                if (dW != null) be.gemm(true, false, gh, hidden, batch, 1f, dGates.buffer(), h[t].buffer(), 1f, dW.buffer());
            }
            if (dX != null) be.copy(dGates.buffer(), 0, dX.buffer(), (long) t * batch * gh, (long) batch * gh);
        }
        return new Tensor[] {dX, dW};
    }
}
