package org.hhnn.backend;

/**
 * The LSTM cell variants of {@link Backend#lstmCellForward} (DESIGN.md § Modulated activations; paper §2, Figure 6).
 * The ordinal is the variant code native code and kernels use ({@code kernels/lstm.cuh} HHNN_LSTM_*): keep the order.
 * Gate blocks of the preactivations, H columns each, in this order: i, f, g, o, then for the five-gate cells x.
 * <ul>
 *   <li>{@link #VANILLA}: c̃ = tanh(g).</li>
 *   <li>{@link #MODULATED}: x is the modulation gate m, c̃ = tanh(σ_m(m)·g): the modulator changes the slope of the
 *       candidate's activation per node.</li>
 *   <li>{@link #CONTROL3}: the paper's Control 3, "an extra Input gate" with the same nodes as the modulated cell.
 *       Our reading: x is a second input gate i2 applied to the candidate, c̃ = σ(i2)·tanh(g), so the extra gate
 *       scales the activation's amplitude where the modulator scales its slope (the contrast the paper's Table 5
 *       draws). Its output then passes the ordinary input gate i as usual.</li>
 * </ul>
 * Every variant continues c = f·c_prev + i·c̃, h = o·tanh(c) with i, f, o sigmoids.
 */
public enum LstmCell {
    VANILLA(4), MODULATED(5), CONTROL3(5);

    private final int gates;

    LstmCell(int gates) { this.gates = gates; }

    /** G: the number of H-column gate blocks in the preactivations (B, G·H). */
    public int gates() { return gates; }

    public static LstmCell parse(String s) {
        for (LstmCell c : values()) if (c.name().equalsIgnoreCase(s)) return c;
        throw new IllegalArgumentException("unknown LSTM cell '" + s + "' (expected vanilla, modulated or control3)");
    }
}
