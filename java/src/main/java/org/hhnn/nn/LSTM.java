package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * An LSTM of one or more stacked layers (DESIGN.md § Modulated activations; {@link LstmCell} for the vanilla, modulated
 * and Control 3 cells). Each layer runs a sequence as ONE gemm for all steps' input projections x·W_ihᵀ + b, then per
 * step the recurrent gemm and the fused pointwise cell ({@link Ops#lstmSequence}, {@link Ops#lstmLayer}); layer l > 0
 * reads every step's h of layer l − 1. Parameters per layer: weight_ih (G·H, in), weight_hh (G·H, H), bias (G·H), gate
 * blocks in the order i, f, g, o[, x]; all uniform in ±1/√H (PyTorch's initialisation; one bias per gate, not two).
 * Layer 0's names carry no suffix (so one-layer checkpoints keep their names), layer l's end in _l{l} (weight_ih_l1...).
 */
public final class LSTM extends Module {
    public final int in, hidden, layers;
    public final LstmCell cell;
    public final UnaryOp modAct;
    private final Tensor[] weightIh, weightHh, bias;

    /** One layer. modAct: σ_m of the modulated cell (ignored by the others; may then be null). */
    public LSTM(Backend backend, int in, int hidden, LstmCell cell, UnaryOp modAct, SplittableRandom rng) {
        this(backend, in, hidden, 1, cell, modAct, rng);
    }

    /** layers stacked layers of hidden units each (the first reads in features, the others hidden). */
    public LSTM(Backend backend, int in, int hidden, int layers, LstmCell cell, UnaryOp modAct, SplittableRandom rng) {
        if (in < 1 || hidden < 1) throw new IllegalArgumentException("LSTM needs in >= 1 and hidden >= 1, got " + in + ", " + hidden);
        if (layers < 1) throw new IllegalArgumentException("LSTM needs at least one layer, got layers=" + layers);
        this.in = in;
        this.hidden = hidden;
        this.layers = layers;
        this.cell = cell;
        this.modAct = cell == LstmCell.MODULATED ? modAct : null;
        int gh = cell.gates() * hidden;
        double bound = 1 / Math.sqrt(hidden);
        weightIh = new Tensor[layers];
        weightHh = new Tensor[layers];
        bias = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            String sfx = l == 0 ? "" : "_l" + l;
            int inL = l == 0 ? in : hidden;
            weightIh[l] = param("weight_ih" + sfx, backend, Init.uniform(rng, gh * inL, bound), gh, inL);
            weightHh[l] = param("weight_hh" + sfx, backend, Init.uniform(rng, gh * hidden, bound), gh, hidden);
            bias[l] = param("bias" + sfx, backend, Init.uniform(rng, gh, bound), gh);
        }
    }

    /** Parameters of one cell with these sizes: G·H·(in + H + 1). */
    public static long cellParameters(LstmCell cell, int in, int hidden) {
        return (long) cell.gates() * hidden * (in + hidden + 1);
    }

    /** Layer l's W_ih (G·H, in_l), W_hh (G·H, H) and bias (G·H). */
    public Tensor weightIh(int l) { return weightIh[l]; }
    public Tensor weightHh(int l) { return weightHh[l]; }
    public Tensor bias(int l) { return bias[l]; }

    /**
     * Runs steps steps from zero state. x (steps·B, in) time-major (step t = rows t·B .. t·B+B−1); mask (steps·B) with
     * 0 = padding (that row keeps its state at that step) or null. Returns the last layer's h after the last step
     * (B, H): the last valid hidden state of each right-padded sequence.
     */
    public Tensor run(Tensor x, float[] mask, int steps) {
        return stack(Ops.linear(x, weightIh[0], bias[0]), mask, steps);   // (steps·B, G·H): every step's input projection in one gemm
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
        return stack(Ops.embedding(Ops.linear(table, weightIh[0], bias[0]), ids), mask, steps);   // (steps·B, G·H)
    }

    // Layer 0 from its input projections; each lower layer hands every step's h to the next; the last returns h_T.
    private Tensor stack(Tensor xGates, float[] mask, int steps) {
        for (int l = 0; l < layers - 1; l++) {
            Tensor hs = Ops.lstmLayer(cell, modAct, xGates, weightHh[l], null, null, mask, steps)[0];
            xGates = Ops.linear(hs, weightIh[l + 1], bias[l + 1]);
        }
        return Ops.lstmSequence(cell, modAct, xGates, weightHh[layers - 1], mask, steps);
    }

    /**
     * What {@link #gatesAtLastStep} returns, each (B, H): the input gate i = σ(·); for the modulated cell the modulation
     * s = σ_m(m), else null; and the candidate's preactivation g, the point on the curve that input reached (the paper's
     * dots). A row with no valid step holds NaN.
     */
    public record LastStepGates(Tensor inputGate, Tensor modulation, Tensor candidate) {}

    /**
     * The input gate i (every cell), the modulation s (the modulated cell) and the candidate preactivation g of each
     * sequence at its last valid step, for the same inputs as {@link #run}: the paper's Table 5, where i scales the
     * candidate's amplitude, i·tanh(g), and s also its slope, i·tanh(s·g). An inspection, not part of training: it runs
     * without the tape and steps the recurrence one cell at a time with the forward's ops (one input-projection gemm,
     * then per step the recurrent gemm and {@link Ops#lstmCell}), because the fused sequence op keeps only the final h,
     * not the preactivations of each row's last valid step.
     */
    public LastStepGates gatesAtLastStep(Tensor x, float[] mask, int steps) {
        if (layers != 1)
            throw new IllegalArgumentException("the gate view reads a one-layer LSTM, this one has " + layers + " layers");
        if (x.rank() != 2 || x.dim(1) != in || steps < 1 || x.dim(0) % steps != 0)
            throw new IllegalArgumentException("LSTM gate view input must be (steps·batch, " + in + ") for " + steps + " steps, got " + x);
        int batch = x.dim(0) / steps, gh = cell.gates() * hidden;
        if (mask != null && mask.length != steps * batch)
            throw new IllegalArgumentException("LSTM gate view: mask holds " + mask.length + " entries, steps·batch = " + steps * batch);
        Backend be = x.backend();
        float[] last = new float[batch * gh];   // each row's preactivations at its last valid step
        java.util.Arrays.fill(last, Float.NaN);
        try (GradMode g = GradMode.noGrad()) {
            Tensor xGates = Ops.linear(x, weightIh[0], bias[0]);
            Tensor c = Tensor.zeros(be, batch, hidden), h = Tensor.zeros(be, batch, hidden);
            for (int t = 0; t < steps; t++) {
                Tensor gates = Tensor.zeros(be, batch, gh);
                be.copy(xGates.buffer(), (long) t * batch * gh, gates.buffer(), 0, (long) batch * gh);
                if (t > 0) gates = Ops.add(gates, Ops.linear(h, weightHh[0], null));
                float[] pre = gates.toArray();
                float[] stepMask = new float[batch];
                for (int b = 0; b < batch; b++) {
                    stepMask[b] = mask == null ? 1f : mask[t * batch + b];
                    // A valid step overwrites the row, so after the loop each row holds its last valid step's gates.
                    if (stepMask[b] != 0f) System.arraycopy(pre, b * gh, last, b * gh, gh);
                }
                if (t + 1 < steps) {
                    Tensor[] ch = Ops.lstmCell(cell, modAct, gates, c, h, Tensor.of(be, stepMask, batch));
                    c = ch[0];
                    h = ch[1];
                }
            }
            // Gate blocks i, f, g, o[, m]: i and m squashed on the backend as the cell squashes them, g as it is.
            Tensor i = Ops.unary(UnaryOp.SIGMOID, Tensor.of(be, block(last, batch, 0), batch, hidden));
            Tensor s = cell != LstmCell.MODULATED ? null
                    : Ops.unary(modAct, Tensor.of(be, block(last, batch, cell.gates() - 1), batch, hidden));
            return new LastStepGates(i, s, Tensor.of(be, block(last, batch, 2), batch, hidden));
        }
    }

    // Gate block k (B, H) of preactivations (B, G·H).
    private float[] block(float[] pre, int batch, int k) {
        int gh = cell.gates() * hidden;
        float[] out = new float[batch * hidden];
        for (int b = 0; b < batch; b++) System.arraycopy(pre, b * gh + k * hidden, out, b * hidden, hidden);
        return out;
    }

    /** x (T, B, in) time-major, every step valid → h_T (B, H). */
    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != in) throw new IllegalArgumentException("LSTM input must be (steps, batch, " + in + "), got " + x);
        return run(Ops.reshape(x, x.dim(0) * x.dim(1), in), null, x.dim(0));
    }
}
