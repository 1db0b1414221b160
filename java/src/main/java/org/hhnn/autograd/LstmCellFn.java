package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * One LSTM step's pointwise part as one tape node (Backend.lstmCellForward): inputs gates (B, G·H), cPrev, hPrev
 * (B, H) and an optional mask (B) (not differentiable); outputs {c, h} (B, H). Saves its inputs only: the backward
 * recomputes the step. hPrev's gradient here is its pass-through on masked rows; its path through the recurrent gemm
 * belongs to whatever op made the gates. For whole sequences see {@link LstmSequenceFn}.
 */
final class LstmCellFn implements MultiFunction {
    private final LstmCell cell;
    private final UnaryOp modAct;
    private final Tensor gates, cPrev, hPrev, mask;

    private LstmCellFn(LstmCell cell, UnaryOp modAct, Tensor gates, Tensor cPrev, Tensor hPrev, Tensor mask) {
        this.cell = cell; this.modAct = modAct; this.gates = gates; this.cPrev = cPrev; this.hPrev = hPrev; this.mask = mask;
    }

    static Tensor[] apply(LstmCell cell, UnaryOp modAct, Tensor gates, Tensor cPrev, Tensor hPrev, Tensor mask) {
        if (cPrev.rank() != 2) throw new IllegalArgumentException("lstmCell: cPrev must be (batch, hidden), got " + cPrev);
        int b = cPrev.dim(0), h = cPrev.dim(1);
        hPrev.expectShape("lstmCell hPrev", b, h);
        gates.expectShape("lstmCell gates (batch, " + cell.gates() + "·hidden)", b, cell.gates() * h);
        if (mask != null && mask.size() != b) throw new IllegalArgumentException("lstmCell: mask must hold " + b + " entries, got " + mask);
        Backend be = gates.backend();
        Tensor c = Tensor.zeros(be, b, h), hn = Tensor.zeros(be, b, h);
        be.lstmCellForward(cell, modAct, gates.buffer(), cPrev.buffer(), hPrev.buffer(), mask == null ? null : mask.buffer(),
                c.buffer(), hn.buffer(), b, h);
        return Tape.recordMulti(new LstmCellFn(cell, modAct, gates, cPrev, hPrev, mask), new Tensor[] {c, hn}, gates, cPrev, hPrev);
    }

    @Override public Tensor[] backward(Tensor[] g) {
        Backend be = gates.backend();
        Tensor dGates = gates.zerosLike(), dcPrev = cPrev.zerosLike(), dhPrev = hPrev.zerosLike();
        be.lstmCellBackward(cell, modAct, gates.buffer(), cPrev.buffer(), mask == null ? null : mask.buffer(),
                g[0] == null ? null : g[0].buffer(), g[1] == null ? null : g[1].buffer(),
                dGates.buffer(), dcPrev.buffer(), dhPrev.buffer(), cPrev.dim(0), cPrev.dim(1));
        return new Tensor[] {gates.requiresGrad() ? dGates : null, cPrev.requiresGrad() ? dcPrev : null,
                             hPrev.requiresGrad() ? dhPrev : null};
    }
}
