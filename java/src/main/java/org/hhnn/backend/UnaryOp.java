package org.hhnn.backend;

/**
 * Elementwise unary functions. The ordinal is the op code passed to native code
 * ({@code kernels/activations.cuh} HHNN_UNARY_*): keep the order in sync.
 * Backward takes both x and y = f(x) so that sigmoid/tanh/exp use the cheap form.
 */
public enum UnaryOp {
    IDENTITY, RELU, SIGMOID, TANH, TANHSHRINK, SOFTPLUS, EXP, LOG;

    public static UnaryOp parse(String s) {
        for (UnaryOp op : values()) if (op.name().equalsIgnoreCase(s)) return op;
        throw new IllegalArgumentException("unknown activation '" + s + "' (expected one of identity, relu, sigmoid, tanh, tanhshrink, softplus, exp, log)");
    }
}
