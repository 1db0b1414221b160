package org.hhnn.backend;

/**
 * Argument checks shared by every backend's modulated-activation, LSTM-cell and embedding primitives, so that the
 * reference, cpu and cuda backends refuse the same calls with the same sentence (the buffer-length checks are the
 * reference's own and {@link CheckedBackend}'s). Users: ReferenceModulated, CheckedBackend.
 */
public final class ModulatedArgs {
    private ModulatedArgs() {}

    /** Whether op may be an activation or modulator of {@link Backend#modActForward} (the paper's five). */
    public static boolean isModActOp(UnaryOp op) {
        return op == UnaryOp.IDENTITY || op == UnaryOp.RELU || op == UnaryOp.SIGMOID || op == UnaryOp.TANH
                || op == UnaryOp.TANHSHRINK;
    }

    public static void modActOps(String p, UnaryOp act, UnaryOp modAct) {
        op(p, "act", act);
        op(p, "modAct", modAct);
    }

    private static void op(String p, String what, UnaryOp op) {
        if (op == null) throw new IllegalArgumentException(p + ": " + what + " is null");
        if (!isModActOp(op))
            throw new IllegalArgumentException(p + ": " + what + " " + op.name().toLowerCase()
                    + " is not one of identity, relu, sigmoid, tanh, tanhshrink");
    }

    /** outer·channels·inner (the size of v) after checking the three are non-negative. */
    public static long modActShape(String p, int outer, int channels, int inner) {
        nonNegative(p, "outer", outer);
        nonNegative(p, "channels", channels);
        nonNegative(p, "inner", inner);
        return (long) outer * channels * inner;
    }

    /** Checks cell (and modAct for the modulated cell); returns batch·hidden. */
    public static long lstmShape(String p, LstmCell cell, UnaryOp modAct, int batch, int hidden) {
        if (cell == null) throw new IllegalArgumentException(p + ": cell is null");
        if (cell == LstmCell.MODULATED) op(p, "modAct", modAct);
        nonNegative(p, "batch", batch);
        nonNegative(p, "hidden", hidden);
        return (long) batch * hidden;
    }

    /** Checks ids holds n entries in [0, vocab), naming the first bad one. */
    public static void ids(String p, int[] ids, int n, int vocab, int dim) {
        nonNegative(p, "n", n);
        nonNegative(p, "vocab", vocab);
        nonNegative(p, "dim", dim);
        if (ids == null) throw new IllegalArgumentException(p + ": ids is null");
        if (ids.length < n) throw new IllegalArgumentException(p + ": ids holds " + ids.length + " entries but n = " + n);
        for (int i = 0; i < n; i++)
            if (ids[i] < 0 || ids[i] >= vocab)
                throw new IllegalArgumentException(p + ": id " + ids[i] + " at position " + i + " is outside [0, " + vocab + ")");
    }

    private static void nonNegative(String p, String what, long v) {
        if (v < 0) throw new IllegalArgumentException(p + ": " + what + " must be >= 0, got " + v);
    }
}
