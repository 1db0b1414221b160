package org.hhnn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The parity cases of the part-B primitives (modulated activation, LSTM cell, embedding), run by
 * cpu.ModulatedParityTest and cuda.CudaModulatedParityTest: a fast backend against ReferenceBackend.get() on fresh
 * random inputs (the seed is in every failure message), every output, at DESIGN.md's 1e-5 relative bound. Shapes cover
 * the three modulation layouts (dense layer-wide, conv per position, per node), odd sizes, sizes above one CUDA block
 * and above the cpu parallel threshold; LSTM steps run each cell with and without a mask that pads some rows.
 */
public abstract class ModulatedParityCases extends ParityFixture {
    static final UnaryOp[] OPS = {UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.TANHSHRINK};
    // (outer, channels, inner): dense (B, N, 1), conv (B, C, H·W), per node (rows, 1, nodes), big enough for threads.
    // No 1-element shape: a sigmoid's slope y(1−y) near saturation cancels in float32, and one such element alone makes
    // the norm-wise metric measure that rounding (~1e-5) rather than correctness (the reference is float64); across an
    // array such elements weigh in with their small size. {3, 1, 11} and {2, 9} still cover rows shorter than a vector.
    static final int[][] LAYOUTS = {{3, 1, 11}, {7, 33, 1}, {5, 3, 49}, {4, 1, 300}, {2, 16, 300}, {128, 512, 1}, {8, 32, 196}};
    static final int[][] LSTM_SHAPES = {{2, 9}, {3, 7}, {32, 32}, {5, 150}, {300, 129}};

    protected ModulatedParityCases(ParityTarget target) { super(target); }

    // ---- modulated activation ---------------------------------------------------------------------------------------

    @Test void modulatedActivationForwardAndBackward() {
        for (int[] l : LAYOUTS)
            for (UnaryOp act : OPS)
                for (UnaryOp mod : OPS) {
                    int outer = l[0], ch = l[1], inner = l[2], n = outer * ch * inner, nu = outer * inner;
                    String what = " act=" + act + " mod=" + mod + " (" + outer + ", " + ch + ", " + inner + ")";
                    Twin v = new Twin(randn(n, 1.5)), u = new Twin(randn(nu, 1.5)), out = nanTwin(n);
                    fast().modActForward(act, mod, v.f, u.f, out.f, outer, ch, inner);
                    ref.modActForward(act, mod, v.r, u.r, out.r, outer, ch, inner);
                    check("modActForward" + what, out);
                    Twin g = new Twin(randn(n, 1)), dv = nanTwin(n), du = nanTwin(nu);
                    fast().modActBackward(act, mod, v.f, u.f, g.f, dv.f, du.f, outer, ch, inner);
                    ref.modActBackward(act, mod, v.r, u.r, g.r, dv.r, du.r, outer, ch, inner);
                    check("modActBackward dv" + what, dv);
                    check("modActBackward du" + what, du);
                    Twin du2 = nanTwin(nu), dv2 = nanTwin(n);
                    fast().modActBackward(act, mod, v.f, u.f, g.f, null, du2.f, outer, ch, inner);
                    ref.modActBackward(act, mod, v.r, u.r, g.r, null, du2.r, outer, ch, inner);
                    check("modActBackward du alone" + what, du2);
                    fast().modActBackward(act, mod, v.f, u.f, g.f, dv2.f, null, outer, ch, inner);
                    ref.modActBackward(act, mod, v.r, u.r, g.r, dv2.r, null, outer, ch, inner);
                    check("modActBackward dv alone" + what, dv2);
                    freeBuffers();
                }
    }

    // ---- LSTM cell ----------------------------------------------------------------------------------------------------

    @Test void lstmCellForwardAndBackward() {
        for (LstmCell cell : LstmCell.values())
            for (UnaryOp mod : cell == LstmCell.MODULATED ? OPS : new UnaryOp[] {null})
                for (int[] s : LSTM_SHAPES)
                    for (boolean masked : new boolean[] {false, true}) {
                        int b = s[0], h = s[1], bh = b * h, bgh = bh * cell.gates();
                        String what = " " + cell + (mod == null ? "" : " mod=" + mod) + " B=" + b + " H=" + h + (masked ? " masked" : "");
                        float[] m = new float[b];
                        for (int r = 0; r < b; r++) m[r] = !masked || r % 3 != 1 ? 1f : 0f;
                        Twin gates = new Twin(randn(bgh, 1.5)), cPrev = new Twin(randn(bh, 1)), hPrev = new Twin(randn(bh, 0.5));
                        Twin mask = masked ? new Twin(m) : null;
                        Twin c = nanTwin(bh), hn = nanTwin(bh);
                        fast().lstmCellForward(cell, mod, gates.f, cPrev.f, hPrev.f, masked ? mask.f : null, c.f, hn.f, b, h);
                        ref.lstmCellForward(cell, mod, gates.r, cPrev.r, hPrev.r, masked ? mask.r : null, c.r, hn.r, b, h);
                        check("lstmCellForward c" + what, c);
                        check("lstmCellForward h" + what, hn);
                        Twin dc = new Twin(randn(bh, 1)), dh = new Twin(randn(bh, 1));
                        Twin dG = nanTwin(bgh), dcP = nanTwin(bh), dhP = nanTwin(bh);
                        fast().lstmCellBackward(cell, mod, gates.f, cPrev.f, masked ? mask.f : null, dc.f, dh.f, dG.f, dcP.f, dhP.f, b, h);
                        ref.lstmCellBackward(cell, mod, gates.r, cPrev.r, masked ? mask.r : null, dc.r, dh.r, dG.r, dcP.r, dhP.r, b, h);
                        check("lstmCellBackward dGates" + what, dG);
                        check("lstmCellBackward dcPrev" + what, dcP);
                        check("lstmCellBackward dhPrev" + what, dhP);
                        Twin dG2 = nanTwin(bgh), dcP2 = nanTwin(bh), dhP2 = nanTwin(bh);   // dc = null (the last step), dh only
                        fast().lstmCellBackward(cell, mod, gates.f, cPrev.f, masked ? mask.f : null, null, dh.f, dG2.f, dcP2.f, dhP2.f, b, h);
                        ref.lstmCellBackward(cell, mod, gates.r, cPrev.r, masked ? mask.r : null, null, dh.r, dG2.r, dcP2.r, dhP2.r, b, h);
                        check("lstmCellBackward dGates (dc null)" + what, dG2);
                        check("lstmCellBackward dcPrev (dc null)" + what, dcP2);
                        check("lstmCellBackward dhPrev (dc null)" + what, dhP2);
                        freeBuffers();
                    }
    }

    // ---- embedding ------------------------------------------------------------------------------------------------------

    @Test void embeddingForwardAndBackward() {
        int[][] shapes = {{1, 1, 1}, {5, 20, 3}, {384, 57, 128}, {100, 20000, 300}, {1000, 7, 33}};   // (n, vocab, dim)
        for (int[] s : shapes) {
            int n = s[0], vocab = s[1], dim = s[2];
            String what = " n=" + n + " vocab=" + vocab + " dim=" + dim;
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(Math.min(vocab, 1 + n / 3));   // many repeats
            Twin table = new Twin(randn(vocab * dim, 1)), out = nanTwin(n * dim);
            fast().embeddingForward(table.f, ids, out.f, n, vocab, dim);
            ref.embeddingForward(table.r, ids, out.r, n, vocab, dim);
            check("embeddingForward" + what, out);
            Twin g = new Twin(randn(n * dim, 1)), dT = new Twin(randn(vocab * dim, 1));   // dTable accumulates
            fast().embeddingBackward(ids, g.f, dT.f, n, vocab, dim);
            ref.embeddingBackward(ids, g.r, dT.r, n, vocab, dim);
            check("embeddingBackward" + what, dT);
            freeBuffers();
        }
    }

    /** Deterministic: the same call twice gives the same bits (the scatter-add and the modulator's channel sum). */
    @Test void scatterAddIsDeterministic() {
        int n = 4096, vocab = 50, dim = 64;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(vocab);
        Twin g = new Twin(randn(n * dim, 1));
        float[][] runs = new float[2][];
        for (int k = 0; k < 2; k++) {
            Twin dT = new Twin(new float[vocab * dim]);
            fast().embeddingBackward(ids, g.f, dT.f, n, vocab, dim);
            runs[k] = new float[vocab * dim];
            fast().download(dT.f, runs[k]);
        }
        assertTrue(java.util.Arrays.equals(runs[0], runs[1]), tag("embeddingBackward differs between two identical calls"));
    }

    /** Bad arguments become IllegalArgumentExceptions naming the primitive, before anything runs. */
    @Test void badArgumentsAreRejectedNamingThePrimitive() {
        Buffer a = alloc(8), b = alloc(8), c = alloc(8);
        assertRejected("modActForward", () -> fast().modActForward(UnaryOp.EXP, UnaryOp.SIGMOID, a, b, c, 1, 1, 1));
        assertRejected("modActForward", () -> fast().modActForward(UnaryOp.TANH, UnaryOp.SIGMOID, a, b, c, 2, 3, 2));
        assertRejected("lstmCellForward", () -> fast().lstmCellForward(LstmCell.MODULATED, null, a, b, c, null, a, b, 1, 1));
        assertRejected("lstmCellForward", () -> fast().lstmCellForward(LstmCell.VANILLA, null, a, b, c, null, a, b, 1, 3));
        assertRejected("embeddingForward", () -> fast().embeddingForward(a, new int[] {0, 4}, b, 2, 4, 2));
        assertRejected("embeddingBackward", () -> fast().embeddingBackward(new int[] {-1}, a, b, 1, 4, 2));
    }
}
