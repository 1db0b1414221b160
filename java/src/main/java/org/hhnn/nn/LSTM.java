package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * One LSTM layer (DESIGN.md § Modulated activations; {@link LstmCell} for the vanilla, modulated and Control 3 cells).
 * A sequence runs as ONE gemm for all steps' input projections x·W_ihᵀ + b, then per step the recurrent gemm and the
 * fused pointwise cell ({@link Ops#lstmSequence}). Parameters: weight_ih (G·H, in), weight_hh (G·H, H), bias (G·H), gate
 * blocks in the order i, f, g, o[, x]; all uniform in ±1/√H (PyTorch's initialisation; one bias per gate, not two).
 */
public final class LSTM extends Module {
    public final int in, hidden;
    public final LstmCell cell;
    public final UnaryOp modAct;
    private final Tensor weightIh, weightHh, bias;

    /** modAct: σ_m of the modulated cell (ignored by the others; may then be null). */
    public LSTM(Backend backend, int in, int hidden, LstmCell cell, UnaryOp modAct, SplittableRandom rng) {
        if (in < 1 || hidden < 1) throw new IllegalArgumentException("LSTM needs in >= 1 and hidden >= 1, got " + in + ", " + hidden);
        this.in = in;
        this.hidden = hidden;
        this.cell = cell;
        this.modAct = cell == LstmCell.MODULATED ? modAct : null;
        int gh = cell.gates() * hidden;
        double bound = 1 / Math.sqrt(hidden);
        this.weightIh = param("weight_ih", backend, Init.uniform(rng, gh * in, bound), gh, in);
        this.weightHh = param("weight_hh", backend, Init.uniform(rng, gh * hidden, bound), gh, hidden);
        this.bias = param("bias", backend, Init.uniform(rng, gh, bound), gh);
    }

    /** Parameters of one cell with these sizes: G·H·(in + H + 1). */
    public static long cellParameters(LstmCell cell, int in, int hidden) {
        return (long) cell.gates() * hidden * (in + hidden + 1);
    }

    /**
     * Runs steps steps from zero state. x (steps·B, in) time-major (step t = rows t·B .. t·B+B−1); mask (steps·B) with
     * 0 = padding (that row keeps its state at that step) or null. Returns h after the last step (B, H): the last valid
     * hidden state of each right-padded sequence.
     */
    public Tensor run(Tensor x, float[] mask, int steps) {
        Tensor xGates = Ops.linear(x, weightIh, bias);   // (steps·B, G·H): every step's input projection in one gemm
        return Ops.lstmSequence(cell, modAct, xGates, weightHh, mask, steps);
    }

    /**
     * {@link #run} on the rows ids of an embedding table (vocab, in), for vocab &lt; ids.length: the table is projected
     * once, (vocab, G·H) = table·W_ihᵀ + b, and the projected rows are gathered per token, instead of projecting every
     * token's row. The same function and gradients up to float rounding (a linear map commutes with the lookup), with
     * every input-projection gemm, forward and backward, over vocab rows instead of steps·B: for a character
     * vocabulary (57 for NAMES) several times fewer flops in W3's Simple-LSTM.
     */
    public Tensor runEmbedded(Tensor table, int[] ids, float[] mask, int steps) {
        if (table.rank() != 2 || table.dim(1) != in)
            throw new IllegalArgumentException("LSTM embedding table must be (vocab, " + in + "), got " + table);
        Tensor xGates = Ops.embedding(Ops.linear(table, weightIh, bias), ids);   // (steps·B, G·H)
        return Ops.lstmSequence(cell, modAct, xGates, weightHh, mask, steps);
    }

    /**
     * The modulated cell's per-node modulation s = σ_m(m) (B, H) at each sequence's last valid step, for the same
     * inputs as {@link #run} (the paper's Table 5: each input bends the candidate's activation tanh(s·g) its own way).
     * An inspection, not part of training: it runs without the tape and steps the recurrence one cell at a time with
     * the forward's ops (one input-projection gemm, then per step the recurrent gemm and {@link Ops#lstmCell}), because
     * the fused sequence op keeps only the final h, not the preactivation m of each row's last valid step. A row with no
     * valid step gets NaN.
     */
    public Tensor modulation(Tensor x, float[] mask, int steps) {
        if (cell != LstmCell.MODULATED)
            throw new IllegalArgumentException("only the modulated LSTM cell has a modulation, this layer's cell is " + cell);
        if (x.rank() != 2 || x.dim(1) != in || steps < 1 || x.dim(0) % steps != 0)
            throw new IllegalArgumentException("LSTM modulation input must be (steps·batch, " + in + ") for " + steps + " steps, got " + x);
        int batch = x.dim(0) / steps, gh = cell.gates() * hidden, mOff = (cell.gates() - 1) * hidden;   // m is the last block
        if (mask != null && mask.length != steps * batch)
            throw new IllegalArgumentException("LSTM modulation: mask holds " + mask.length + " entries, steps·batch = " + steps * batch);
        Backend be = x.backend();
        float[] m = new float[batch * hidden];
        java.util.Arrays.fill(m, Float.NaN);
        try (GradMode g = GradMode.noGrad()) {
            Tensor xGates = Ops.linear(x, weightIh, bias);
            Tensor c = Tensor.zeros(be, batch, hidden), h = Tensor.zeros(be, batch, hidden);
            for (int t = 0; t < steps; t++) {
                Tensor gates = Tensor.zeros(be, batch, gh);
                be.copy(xGates.buffer(), (long) t * batch * gh, gates.buffer(), 0, (long) batch * gh);
                if (t > 0) gates = Ops.add(gates, Ops.linear(h, weightHh, null));
                float[] pre = gates.toArray();
                float[] stepMask = new float[batch];
                for (int b = 0; b < batch; b++) {
                    stepMask[b] = mask == null ? 1f : mask[t * batch + b];
                    // A valid step overwrites the row's m, so after the loop each row holds its last valid step's m.
                    if (stepMask[b] != 0f) System.arraycopy(pre, b * gh + mOff, m, b * hidden, hidden);
                }
                if (t + 1 < steps) {
                    Tensor[] ch = Ops.lstmCell(cell, modAct, gates, c, h, Tensor.of(be, stepMask, batch));
                    c = ch[0];
                    h = ch[1];
                }
            }
            return Ops.unary(modAct, Tensor.of(be, m, batch, hidden));   // σ_m on the backend, as the cell applies it
        }
    }

    /** x (T, B, in) time-major, every step valid → h_T (B, H). */
    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != in) throw new IllegalArgumentException("LSTM input must be (steps, batch, " + in + "), got " + x);
        return run(Ops.reshape(x, x.dim(0) * x.dim(1), in), null, x.dim(0));
    }
}
