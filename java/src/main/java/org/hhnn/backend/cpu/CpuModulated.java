package org.hhnn.backend.cpu;

import static org.hhnn.backend.cpu.CpuBackend.addr;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.ModulatedArgs;
import org.hhnn.backend.UnaryOp;

/**
 * The cpu backend's modulated-activation, LSTM-cell and embedding primitives ({@link org.hhnn.backend.Backend#modActForward}
 * and the rest of part B): validates every argument (ModulatedArgs + buffer lengths), then calls
 * {@code native/cpu_modact.cpp}, {@code native/cpu_lstm.cpp} and {@code native/cpu_embedding.cpp} (math in
 * {@code kernels/modact.cuh}, {@code kernels/lstm.cuh}). Twin: ReferenceModulated. Tested by: ModulatedParityTest.
 */
final class CpuModulated {
    private CpuModulated() {}

    // dv, du, dc, dh and mask may be 0 (= null) where the Backend javadoc allows null.
    private static native void modActForward(int act, int mod, long v, long u, long out, int outer, int channels, int inner);
    private static native void modActBackward(int act, int mod, long v, long u, long dout, long dv, long du,
                                              int outer, int channels, int inner);
    private static native void lstmCellForward(int cell, int mod, long gates, long cPrev, long hPrev, long mask,
                                               long c, long h, int batch, int hidden);
    private static native void lstmCellBackward(int cell, int mod, long gates, long cPrev, long mask, long dc, long dh,
                                                long dGates, long dcPrev, long dhPrev, int batch, int hidden);
    private static native void embeddingForward(long table, int[] ids, long out, int n, int vocab, int dim);
    private static native void embeddingBackward(int[] ids, long dOut, long dTable, int n, int vocab, int dim);

    static void modActForward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out, int outer, int channels, int inner) {
        String p = "modActForward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        modActForward(act.ordinal(), modAct.ordinal(), addr(p, "v", v, n, "outer*channels*inner"),
                addr(p, "u", u, nu, "outer*inner"), addr(p, "out", out, n, "outer*channels*inner"), outer, channels, inner);
    }

    static void modActBackward(UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                               int outer, int channels, int inner) {
        String p = "modActBackward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        modActBackward(act.ordinal(), modAct.ordinal(), addr(p, "v", v, n, "outer*channels*inner"),
                addr(p, "u", u, nu, "outer*inner"), addr(p, "dout", dout, n, "outer*channels*inner"),
                dv == null ? 0L : addr(p, "dv", dv, n, "outer*channels*inner"),
                du == null ? 0L : addr(p, "du", du, nu, "outer*inner"), outer, channels, inner);
    }

    static void lstmCellForward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev, Buffer mask,
                                Buffer c, Buffer h, int batch, int hidden) {
        String p = "lstmCellForward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        lstmCellForward(cell.ordinal(), modAct == null ? 0 : modAct.ordinal(), addr(p, "gates", gates, bgh, "batch*G*hidden"),
                addr(p, "cPrev", cPrev, bh, "batch*hidden"), addr(p, "hPrev", hPrev, bh, "batch*hidden"),
                mask == null ? 0L : addr(p, "mask", mask, batch, "batch"),
                addr(p, "c", c, bh, "batch*hidden"), addr(p, "h", h, bh, "batch*hidden"), batch, hidden);
    }

    static void lstmCellBackward(LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask, Buffer dc, Buffer dh,
                                 Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        String p = "lstmCellBackward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        lstmCellBackward(cell.ordinal(), modAct == null ? 0 : modAct.ordinal(), addr(p, "gates", gates, bgh, "batch*G*hidden"),
                addr(p, "cPrev", cPrev, bh, "batch*hidden"), mask == null ? 0L : addr(p, "mask", mask, batch, "batch"),
                dc == null ? 0L : addr(p, "dc", dc, bh, "batch*hidden"), dh == null ? 0L : addr(p, "dh", dh, bh, "batch*hidden"),
                addr(p, "dGates", dGates, bgh, "batch*G*hidden"), addr(p, "dcPrev", dcPrev, bh, "batch*hidden"),
                addr(p, "dhPrev", dhPrev, bh, "batch*hidden"), batch, hidden);
    }

    static void embeddingForward(Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        String p = "embeddingForward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        embeddingForward(addr(p, "table", table, (long) vocab * dim, "vocab*dim"), ids,
                addr(p, "out", out, (long) n * dim, "n*dim"), n, vocab, dim);
    }

    static void embeddingBackward(int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        String p = "embeddingBackward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        embeddingBackward(ids, addr(p, "dOut", dOut, (long) n * dim, "n*dim"),
                addr(p, "dTable", dTable, (long) vocab * dim, "vocab*dim"), n, vocab, dim);
    }
}
