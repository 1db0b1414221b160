package org.hhnn.nn;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Dropout masks shared along one axis, built on the backend from its own primitives (the counter-based
 * {@link Backend#dropout} mask, then a rank-1 gemm that repeats it), so no mask crosses from the host and every backend
 * draws the same one. Entries are 0 or 1/(1−p) (inverted dropout); a mask is a constant of the step (no gradient).
 */
final class DropMasks {
    private DropMasks() {}

    /**
     * Locked (variational) dropout: one mask of width entries (batch·features) drawn once and repeated over steps rows:
     * (steps, width), the same mask at every time step of a sequence.
     */
    static Tensor locked(Backend be, int steps, int width, float p, long seed) {
        Tensor m = mask(be, width, p, seed);
        Tensor out = Tensor.empty(be, steps, width);
        be.gemm(false, false, steps, width, 1, 1f, ones(be, steps).buffer(), m.buffer(), 0f, out.buffer());
        return out;
    }

    /** Whole-row dropout of a (rows, cols) matrix, e.g. the embedding dropout of whole words: the row mask repeated over cols. */
    static Tensor rows(Backend be, int rows, int cols, float p, long seed) {
        Tensor m = mask(be, rows, p, seed);
        Tensor out = Tensor.empty(be, rows, cols);
        be.gemm(false, false, rows, cols, 1, 1f, m.buffer(), ones(be, cols).buffer(), 0f, out.buffer());
        return out;
    }

    // n entries of 0 or 1/(1−p): Backend.dropout's mask of a vector of ones.
    private static Tensor mask(Backend be, int n, float p, long seed) {
        Tensor m = Tensor.empty(be, n), y = Tensor.empty(be, n);
        be.dropout(ones(be, n).buffer(), m.buffer(), y.buffer(), p, seed, n);
        return m;
    }

    private static Tensor ones(Backend be, int n) {
        Tensor t = Tensor.empty(be, n);
        be.fill(t.buffer(), 1f, n);
        return t;
    }
}
