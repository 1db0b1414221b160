package org.hhnn.backend.cuda;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.ModulatedArgs;
import org.hhnn.backend.UnaryOp;

/**
 * The cuda backend's modulated-activation, LSTM-cell and embedding primitives ({@link org.hhnn.backend.Backend#modActForward}
 * and the rest of part B) on a {@link Device}: validates every argument as CudaBackend does (ModulatedArgs + buffer
 * lengths, before any launch), then launches {@code kernels/modact.cu}, {@code kernels/lstm.cu} and
 * {@code kernels/embedding.cu}. Twins: ReferenceModulated, cpu.CpuModulated. Tested by: CudaModulatedParityTest.
 */
final class CudaModulated {
    private CudaModulated() {}

    // The device address of b after checking it is a live buffer of this device holding at least need floats.
    private static long addr(Device dev, String primitive, String name, Buffer b, long need, String formula) {
        if (b == null) throw new IllegalArgumentException(primitive + ": buffer " + name + " is null");
        if (!(b instanceof DeviceBuffer) || ((DeviceBuffer) b).device != dev)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " is a " + b.getClass().getSimpleName()
                    + " of another backend, not a " + dev.name() + " DeviceBuffer");
        b.checkLive();
        if (b.length < need)
            throw new IllegalArgumentException(primitive + ": buffer " + name + " holds " + b.length
                    + " floats but " + formula + " = " + need + " are needed");
        return ((DeviceBuffer) b).address;
    }

    private static long opt(Device dev, String p, String name, Buffer b, long need, String formula) {
        return b == null ? 0L : addr(dev, p, name, b, need, formula);
    }

    private static void launch(Device dev, String kernel, long count, KernelArgs args) {
        if (count > 0) dev.launch(kernel, LaunchConfig.forCount(count), args);
    }

    // ---- modulated activation (kernels/modact.cu) ------------------------------------------------------------------

    static void modActForward(Device dev, UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer out,
                              int outer, int channels, int inner) {
        String p = "modActForward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        KernelArgs a = KernelArgs.of().i32(act.ordinal()).i32(modAct.ordinal())
                .ptr(addr(dev, p, "v", v, n, "outer*channels*inner")).ptr(addr(dev, p, "u", u, nu, "outer*inner"))
                .ptr(addr(dev, p, "out", out, n, "outer*channels*inner")).i32(outer).i32(channels).i32(inner);
        launch(dev, "hhnn_modact_forward_f32", n, a);
    }

    static void modActBackward(Device dev, UnaryOp act, UnaryOp modAct, Buffer v, Buffer u, Buffer dout, Buffer dv, Buffer du,
                               int outer, int channels, int inner) {
        String p = "modActBackward";
        ModulatedArgs.modActOps(p, act, modAct);
        long n = ModulatedArgs.modActShape(p, outer, channels, inner), nu = (long) outer * inner;
        long pv = addr(dev, p, "v", v, n, "outer*channels*inner"), pu = addr(dev, p, "u", u, nu, "outer*inner");
        long pg = addr(dev, p, "dout", dout, n, "outer*channels*inner");
        long pdv = opt(dev, p, "dv", dv, n, "outer*channels*inner"), pdu = opt(dev, p, "du", du, nu, "outer*inner");
        // du first (it reads dout), then dv: even dv aliasing dout would be safe.
        if (du != null)
            launch(dev, "hhnn_modact_backward_du_f32", nu, KernelArgs.of().i32(act.ordinal()).i32(modAct.ordinal())
                    .ptr(pv).ptr(pu).ptr(pg).ptr(pdu).i32(outer).i32(channels).i32(inner));
        if (dv != null)
            launch(dev, "hhnn_modact_backward_dv_f32", n, KernelArgs.of().i32(act.ordinal()).i32(modAct.ordinal())
                    .ptr(pv).ptr(pu).ptr(pg).ptr(pdv).i32(outer).i32(channels).i32(inner));
    }

    // ---- LSTM cell (kernels/lstm.cu) ------------------------------------------------------------------------------

    static void lstmCellForward(Device dev, LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer hPrev,
                                Buffer mask, Buffer c, Buffer h, int batch, int hidden) {
        String p = "lstmCellForward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        KernelArgs a = KernelArgs.of().i32(cell.ordinal()).i32(modAct == null ? 0 : modAct.ordinal())
                .ptr(addr(dev, p, "gates", gates, bgh, "batch*G*hidden")).ptr(addr(dev, p, "cPrev", cPrev, bh, "batch*hidden"))
                .ptr(addr(dev, p, "hPrev", hPrev, bh, "batch*hidden")).ptr(opt(dev, p, "mask", mask, batch, "batch"))
                .ptr(addr(dev, p, "c", c, bh, "batch*hidden")).ptr(addr(dev, p, "h", h, bh, "batch*hidden"))
                .i32(batch).i32(hidden);
        launch(dev, "hhnn_lstm_cell_forward_f32", bh, a);
    }

    static void lstmCellBackward(Device dev, LstmCell cell, UnaryOp modAct, Buffer gates, Buffer cPrev, Buffer mask,
                                 Buffer dc, Buffer dh, Buffer dGates, Buffer dcPrev, Buffer dhPrev, int batch, int hidden) {
        String p = "lstmCellBackward";
        long bh = ModulatedArgs.lstmShape(p, cell, modAct, batch, hidden), bgh = bh * cell.gates();
        KernelArgs a = KernelArgs.of().i32(cell.ordinal()).i32(modAct == null ? 0 : modAct.ordinal())
                .ptr(addr(dev, p, "gates", gates, bgh, "batch*G*hidden")).ptr(addr(dev, p, "cPrev", cPrev, bh, "batch*hidden"))
                .ptr(opt(dev, p, "mask", mask, batch, "batch")).ptr(opt(dev, p, "dc", dc, bh, "batch*hidden"))
                .ptr(opt(dev, p, "dh", dh, bh, "batch*hidden")).ptr(addr(dev, p, "dGates", dGates, bgh, "batch*G*hidden"))
                .ptr(addr(dev, p, "dcPrev", dcPrev, bh, "batch*hidden")).ptr(addr(dev, p, "dhPrev", dhPrev, bh, "batch*hidden"))
                .i32(batch).i32(hidden);
        launch(dev, "hhnn_lstm_cell_backward_f32", bh, a);
    }

    // ---- embedding (kernels/embedding.cu) --------------------------------------------------------------------------

    static void embeddingForward(Device dev, Buffer table, int[] ids, Buffer out, int n, int vocab, int dim) {
        String p = "embeddingForward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        long pt = addr(dev, p, "table", table, (long) vocab * dim, "vocab*dim");
        long po = addr(dev, p, "out", out, (long) n * dim, "n*dim");
        if ((long) n * dim == 0) return;
        long pid = dev.alloc(4L * n);
        try {
            dev.upload(ids, n, pid);
            launch(dev, "hhnn_embedding_forward_f32", (long) n * dim, KernelArgs.of().ptr(pt).ptr(pid).ptr(po).i32(n).i32(dim));
        } finally {
            dev.free(pid);
        }
    }

    static void embeddingBackward(Device dev, int[] ids, Buffer dOut, Buffer dTable, int n, int vocab, int dim) {
        String p = "embeddingBackward";
        ModulatedArgs.ids(p, ids, n, vocab, dim);
        long pg = addr(dev, p, "dOut", dOut, (long) n * dim, "n*dim");
        long pt = addr(dev, p, "dTable", dTable, (long) vocab * dim, "vocab*dim");
        if ((long) n * dim == 0) return;
        // Group the positions by id on the host (stable counting sort): distinct ids, their ranges, the positions.
        int[] count = new int[vocab];
        int nu = 0;
        for (int i = 0; i < n; i++) if (count[ids[i]]++ == 0) nu++;
        int[] uniq = new int[nu], start = new int[nu + 1], slot = new int[vocab], pos = new int[n];
        for (int r = 0, k = 0, off = 0; r < vocab; r++)
            if (count[r] > 0) {
                uniq[k] = r;
                start[k] = off;
                slot[r] = off;
                off += count[r];
                start[++k] = off;
            }
        for (int i = 0; i < n; i++) pos[slot[ids[i]]++] = i;
        long pu = dev.alloc(4L * nu), ps = dev.alloc(4L * (nu + 1)), pp = dev.alloc(4L * n);
        try {
            dev.upload(uniq, nu, pu);
            dev.upload(start, nu + 1, ps);
            dev.upload(pos, n, pp);
            launch(dev, "hhnn_embedding_backward_f32", (long) nu * dim,
                    KernelArgs.of().ptr(pu).ptr(ps).ptr(pp).ptr(pg).ptr(pt).i32(nu).i32(dim));
        } finally {
            dev.free(pu);
            dev.free(ps);
            dev.free(pp);
        }
    }
}
