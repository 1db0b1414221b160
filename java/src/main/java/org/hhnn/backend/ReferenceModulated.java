package org.hhnn.backend;

import static org.hhnn.backend.ReferenceLegendre.need;

/**
 * The reference modulated-activation, LSTM-cell and embedding primitives ({@link Backend#modActForward} and the
 * rest of part B; DESIGN.md § "Modulated activations: the exact models", paper §2). Plain loops in float64,
 * written from the equations of the Backend javadoc and sharing no code with kernels/modact.cuh or
 * kernels/lstm.cuh; results rounded by {@link ReferenceBackend#round} when stored. Sums (the modulator's gradient
 * over channels, the embedding's scatter-add) accumulate in float64 and are rounded once.
 * Tested by: ModulatedGradCheckTest (float64 finite differences), and as the twin of every parity test
 * (ModulatedParityTest, CudaModulatedParityTest).
 */
sealed interface ReferenceModulated extends Backend permits ReferenceBackend {

    /** The storage rounding of the reference this is part of ({@link ReferenceBackend#round}). */
    private double round(double v) { return ((ReferenceBackend) this).round(v); }

    private static double f(UnaryOp op, double x) { return ReferenceBackend.apply(op, x); }

    private static double df(UnaryOp op, double x) { return ReferenceBackend.derivative(op, x, ReferenceBackend.apply(op, x)); }

    private static double sigmoid(double x) { return 1.0 / (1.0 + Math.exp(-x)); }

    // ---- modulated activation -----------------------------------------------------------------

    /** Checks act, modAct, the sizes, v (outer x channels x inner) and u (outer x inner). */
    private static void modActArgs(String p, UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, int outer, int channels, int inner) {
        ModulatedArgs.modActOps(p, act, modAct);
        ModulatedArgs.modActShape(p, outer, channels, inner);
        need(p, "v", v, outer, channels, inner);
        need(p, "u", u, outer, inner);
    }

    @Override default void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out,
                                         int outer, int channels, int inner) {
        String p = "modActForward";
        modActArgs(p, act, modAct, v, u, outer, channels, inner);
        need(p, "out", out, outer, channels, inner);
        double[] V = ReferenceBackend.data(v), U = ReferenceBackend.data(u), O = ReferenceBackend.data(out);
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + c) * inner + i;
                    O[e] = round(f(act, f(modAct, U[o * inner + i]) * V[e]));
                }
    }

    @Override default void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout,
                                          Buffer dv, Buffer du, int outer, int channels, int inner) {
        String p = "modActBackward";
        modActArgs(p, act, modAct, v, u, outer, channels, inner);
        need(p, "dout", dout, outer, channels, inner);
        if (dv != null) need(p, "dv", dv, outer, channels, inner);
        if (du != null) need(p, "du", du, outer, inner);
        double[] V = ReferenceBackend.data(v), U = ReferenceBackend.data(u), G = ReferenceBackend.data(dout);
        double[] DV = dv == null ? null : ReferenceBackend.data(dv), DU = du == null ? null : ReferenceBackend.data(du);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double uu = U[o * inner + i], s = f(modAct, uu), sum = 0;
                for (int c = 0; c < channels; c++) {
                    int e = (o * channels + c) * inner + i;
                    double g = G[e] * df(act, s * V[e]);   // ∂L/∂(s·v)
                    if (DV != null) DV[e] = round(g * s);
                    sum += g * V[e];
                }
                if (DU != null) DU[o * inner + i] = round(sum * df(modAct, uu));
            }
    }

    // ---- LSTM cell ------------------------------------------------------------------------------

    private static void lstmBuffers(String p, LstmCell cell, Buffer gates, Buffer mask, int batch, int hidden) {
        need(p, "gates", gates, (long) batch * cell.gates() * hidden, batch + " x " + cell.gates() + "·" + hidden);
        if (mask != null) need(p, "mask", mask, batch, String.valueOf(batch));
    }

    @Override default void lstmCellForward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev,
                                           Buffer mask, Buffer c, Buffer h, int batch, int hidden) {
        String p = "lstmCellForward";
        ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden);
        need(p, "cPrev", cPrev, (long) batch * hidden, batch + " x " + hidden);
        need(p, "hPrev", hPrev, (long) batch * hidden, batch + " x " + hidden);
        need(p, "c", c, (long) batch * hidden, batch + " x " + hidden);
        need(p, "h", h, (long) batch * hidden, batch + " x " + hidden);
        lstmBuffers(p, cell, gates, mask, batch, hidden);
        double[] A = ReferenceBackend.data(gates), CP = ReferenceBackend.data(cPrev), HP = ReferenceBackend.data(hPrev);
        double[] M = mask == null ? null : ReferenceBackend.data(mask), C = ReferenceBackend.data(c), H = ReferenceBackend.data(h);
        int gh = cell.gates() * hidden;
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++) {
                int e = b * hidden + j, row = b * gh;
                if (M != null && M[b] == 0) {   // padding at this step: the state carries over
                    C[e] = CP[e];
                    H[e] = HP[e];
                    continue;
                }
                double i = sigmoid(A[row + j]), fg = sigmoid(A[row + hidden + j]), g = A[row + 2 * hidden + j];
                double o = sigmoid(A[row + 3 * hidden + j]);
                double cand = candidate(cell, modAct, g, cell.gates() == 5 ? A[row + 4 * hidden + j] : 0);
                double cn = fg * CP[e] + i * cand;
                C[e] = round(cn);
                H[e] = round(o * Math.tanh(cn));
            }
    }

    private static double candidate(LstmCell cell, UnaryOp modAct, double g, double x) {
        switch (cell) {
            case VANILLA: return Math.tanh(g);
            case MODULATED: return Math.tanh(f(modAct, x) * g);
            case CONTROL3: return sigmoid(x) * Math.tanh(g);
            default: throw new AssertionError(cell);
        }
    }

    @Override default void lstmCellBackward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask,
                                            Buffer dc, Buffer dh, Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        String p = "lstmCellBackward";
        ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden);
        long bh = (long) batch * hidden;
        String s = batch + " x " + hidden;
        need(p, "cPrev", cPrev, bh, s);
        if (dc != null) need(p, "dc", dc, bh, s);
        if (dh != null) need(p, "dh", dh, bh, s);
        need(p, "dGates", dGates, (long) batch * cell.gates() * hidden, batch + " x " + cell.gates() + "·" + hidden);
        need(p, "dcPrev", dcPrev, bh, s);
        need(p, "dhPrev", dhPrev, bh, s);
        lstmBuffers(p, cell, gates, mask, batch, hidden);
        double[] A = ReferenceBackend.data(gates), CP = ReferenceBackend.data(cPrev);
        double[] M = mask == null ? null : ReferenceBackend.data(mask);
        double[] DC = dc == null ? null : ReferenceBackend.data(dc), DH = dh == null ? null : ReferenceBackend.data(dh);
        double[] DG = ReferenceBackend.data(dGates), DCP = ReferenceBackend.data(dcPrev), DHP = ReferenceBackend.data(dhPrev);
        int G = cell.gates(), gh = G * hidden;
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++) {
                int e = b * hidden + j, row = b * gh;
                double dcv = DC == null ? 0 : DC[e], dhv = DH == null ? 0 : DH[e];
                if (M != null && M[b] == 0) {   // c = cPrev, h = hPrev: the gradients pass straight through
                    for (int k = 0; k < G; k++) DG[row + k * hidden + j] = 0;
                    DCP[e] = round(dcv);
                    DHP[e] = round(dhv);
                    continue;
                }
                double ai = A[row + j], af = A[row + hidden + j], g = A[row + 2 * hidden + j], ao = A[row + 3 * hidden + j];
                double x = G == 5 ? A[row + 4 * hidden + j] : 0;
                double i = sigmoid(ai), fg = sigmoid(af), o = sigmoid(ao);
                double cand = candidate(cell, modAct, g, x);
                double cn = fg * CP[e] + i * cand, tc = Math.tanh(cn);
                double dcTotal = dcv + dhv * o * (1 - tc * tc);          // ∂L/∂c
                double dCand = dcTotal * i;
                DG[row + j] = round(dcTotal * cand * i * (1 - i));
                DG[row + hidden + j] = round(dcTotal * CP[e] * fg * (1 - fg));
                DG[row + 3 * hidden + j] = round(dhv * tc * o * (1 - o));
                double dg, dx = 0;
                switch (cell) {
                    case VANILLA: { double t = Math.tanh(g); dg = dCand * (1 - t * t); break; }
                    case MODULATED: {
                        double sm = f(modAct, x), t = Math.tanh(sm * g), dz = dCand * (1 - t * t);
                        dg = dz * sm;
                        dx = dz * g * df(modAct, x);
                        break;
                    }
                    case CONTROL3: {
                        double s2 = sigmoid(x), t = Math.tanh(g);
                        dg = dCand * s2 * (1 - t * t);
                        dx = dCand * t * s2 * (1 - s2);
                        break;
                    }
                    default: throw new AssertionError(cell);
                }
                DG[row + 2 * hidden + j] = round(dg);
                if (G == 5) DG[row + 4 * hidden + j] = round(dx);
                DCP[e] = round(dcTotal * fg);
                DHP[e] = 0;   // h_{t-1} reaches this step only through the recurrent gemm, which the caller adds
            }
    }

    // ---- embedding --------------------------------------------------------------------------------

    @Override default void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        String p = "embeddingForward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        need(p, "table", table, (long) vocab * dim, vocab + " x " + dim);
        need(p, "out", out, (long) n * dim, n + " x " + dim);
        double[] T = ReferenceBackend.data(table), O = ReferenceBackend.data(out);
        for (int i = 0; i < n; i++) System.arraycopy(T, ids[i] * dim, O, i * dim, dim);
    }

    @Override default void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        String p = "embeddingBackward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        need(p, "dOut", dOut, (long) n * dim, n + " x " + dim);
        need(p, "dTable", dTable, (long) vocab * dim, vocab + " x " + dim);
        double[] G = ReferenceBackend.data(dOut), DT = ReferenceBackend.data(dTable);
        double[] acc = new double[vocab * dim];
        boolean[] hit = new boolean[vocab];
        for (int i = 0; i < n; i++) {
            hit[ids[i]] = true;
            for (int d = 0; d < dim; d++) acc[ids[i] * dim + d] += G[i * dim + d];
        }
        for (int r = 0; r < vocab; r++)
            if (hit[r]) for (int d = 0; d < dim; d++) DT[r * dim + d] = round(DT[r * dim + d] + acc[r * dim + d]);
    }
}
