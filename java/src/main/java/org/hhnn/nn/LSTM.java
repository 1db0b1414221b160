package org.hhnn.nn;

import java.util.SplittableRandom;
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

    /** x (T, B, in) time-major, every step valid → h_T (B, H). */
    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != in) throw new IllegalArgumentException("LSTM input must be (steps, batch, " + in + "), got " + x);
        return run(Ops.reshape(x, x.dim(0) * x.dim(1), in), null, x.dim(0));
    }
}
