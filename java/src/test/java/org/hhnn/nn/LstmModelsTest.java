package org.hhnn.nn;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.UnaryOp;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.optim.Adam;
import org.hhnn.optim.Optimizer;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.hhnn.NativeRequired;

/**
 * The modulated networks of part B as models: the LSTM variants' parameter counts (the paper's Table 3 controls), the
 * masked recurrence's output being each sequence's last valid state, the projected-embedding path against the plain
 * one, the cpu model against the reference model, a training smoke test on a generated sequence task, and mlp-mod.
 * Run: mvn -B -o test -pl java -Dtest=LstmModelsTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LstmModelsTest {
    static final String[] LSTMS = {"lstm", "lstm-mod", "lstm-control1", "lstm-control2", "lstm-control3"};

    static JsonObject config(String model, int vocab, int maxLen, int classes) {
        JsonObject c = Models.defaults(model, maxLen, classes);
        c.addProperty("vocab", vocab);
        return c;
    }

    static long cellParams(Network n) {
        long s = 0;
        for (Map.Entry<String, Tensor> e : n.body.namedParameters().entrySet())
            if (e.getKey().startsWith("lstm.")) s += e.getValue().size();
        return s;
    }

    @Test void parameterCountsOfTheVariants() {
        for (boolean advanced : new boolean[] {false, true}) {
            long[] cell = new long[LSTMS.length];
            StringBuilder table = new StringBuilder(advanced ? "Advanced-LSTM (E 300, H 150, vocab 20000, 2 classes)\n"
                    : "Simple-LSTM (E 128, H 32, vocab 57, 18 classes)\n");
            for (int i = 0; i < LSTMS.length; i++) {
                JsonObject c = config(LSTMS[i], advanced ? 20000 : 57, 12, advanced ? 2 : 18);
                if (advanced) ModulatedModels.advanced(c);
                Network n = Models.build(c, ReferenceBackend.get(), 1);
                cell[i] = cellParams(n);
                table.append(String.format("  %-14s hidden %3d  cell %7d  total %8d%n", LSTMS[i],
                        ((LstmClassifier) n.body).lstm.hidden, cell[i], n.body.parameterCount()));
                n.body.free();
            }
            System.out.print(table);
            int h = advanced ? 150 : 32, e = advanced ? 300 : 128;
            assertEquals(4L * h * (e + h + 1), cell[0], "vanilla cell parameters");
            assertEquals(5L * h * (e + h + 1), cell[1], "modulated cell parameters");
            assertEquals(cell[0], cell[3], "control 2 = vanilla with the same hidden size");
            assertEquals(cell[1], cell[4], "control 3 = the modulated cell's count (same nodes)");
            assertTrue(Math.abs(cell[2] - cell[1]) <= 0.03 * cell[1], "control 1 ≈ the modulated cell's count: " + cell[2] + " vs " + cell[1]);
        }
        assertEquals(38, ModulatedModels.control1Hidden(128, 32));
    }

    /** With right padding masked, h after the last step is each sequence's own last hidden state (run alone). */
    @Test void maskedOutputIsTheLastValidStateOfEachSequence() {
        Backend be = ReferenceBackend.f64();
        for (LstmCell cell : LstmCell.values()) {
            LSTM lstm = new LSTM(be, 3, 4, cell, UnaryOp.SIGMOID, new SplittableRandom(3));
            int steps = 5, b = 3;
            int[] lengths = {5, 2, 3};
            Random r = new Random(5);
            float[] x = new float[steps * b * 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] mask = new float[steps * b];
            for (int t = 0; t < steps; t++) for (int s = 0; s < b; s++) mask[t * b + s] = t < lengths[s] ? 1 : 0;
            try (Scope sc = Scope.open()) {
                float[] all = lstm.run(Tensor.of(be, x, steps * b, 3), mask, steps).toArray();
                for (int s = 0; s < b; s++) {
                    float[] xs = new float[lengths[s] * 3];
                    for (int t = 0; t < lengths[s]; t++) System.arraycopy(x, (t * b + s) * 3, xs, t * 3, 3);
                    float[] alone = lstm.run(Tensor.of(be, xs, lengths[s], 3), null, lengths[s]).toArray();
                    for (int j = 0; j < 4; j++) assertEquals(alone[j], all[s * 4 + j], 1e-6, cell + " sequence " + s + " node " + j);
                }
            }
            lstm.free();
        }
    }

    /**
     * The gate view's i (and the modulated cell's s) against the gates computed here from the weights at each row's last
     * valid step: x_t·W_ihᵀ + h·W_hhᵀ + b with h the state before that step from the fused forward {@link LSTM#run} on the
     * row's prefix alone, i = σ(block 0), g = block 2, s = σ_m(last block). Padding steps hold other inputs, so a view reading a
     * padding step, the wrong gate block or its own wrong recurrence disagrees; a row with no valid step is NaN.
     */
    @Test void gatesAtLastStepAreThoseOfEachRowsLastValidStep() {
        Backend be = ReferenceBackend.f64();
        int in = 3, hid = 4, steps = 4, b = 4;
        int[] lengths = {4, 1, 2, 0};
        for (LstmCell cell : LstmCell.values()) {
            LSTM lstm = new LSTM(be, in, hid, cell, UnaryOp.TANH, new SplittableRandom(7));
            int gh = cell.gates() * hid;
            Random r = new Random(13);
            float[] x = new float[steps * b * in];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] mask = new float[steps * b];
            for (int t = 0; t < steps; t++) for (int q = 0; q < b; q++) mask[t * b + q] = t < lengths[q] ? 1 : 0;
            try (Scope sc = Scope.open()) {
                LSTM.LastStepGates got = lstm.gatesAtLastStep(Tensor.of(be, x, steps * b, in), mask, steps);
                assertEquals(cell == LstmCell.MODULATED, got.modulation() != null, cell + ": s only for the modulated cell");
                float[] gi = got.inputGate().toArray(), gs = got.modulation() == null ? null : got.modulation().toArray();
                float[] gg = got.candidate().toArray();
                float[] wih = lstm.weightIh(0).toArray(), whh = lstm.weightHh(0).toArray(), bias = lstm.bias(0).toArray();
                for (int q = 0; q < b; q++) {
                    int len = lengths[q];
                    if (len == 0) {
                        for (int j = 0; j < hid; j++) assertTrue(Float.isNaN(gi[q * hid + j]), cell + ": a row without a valid step is NaN");
                        continue;
                    }
                    float[] h = new float[hid];
                    if (len > 1) {
                        float[] xs = new float[(len - 1) * in];
                        for (int t = 0; t < len - 1; t++) System.arraycopy(x, (t * b + q) * in, xs, t * in, in);
                        h = lstm.run(Tensor.of(be, xs, len - 1, in), null, len - 1).toArray();
                    }
                    int xt = ((len - 1) * b + q) * in;
                    double[] pre = new double[gh];
                    for (int u = 0; u < gh; u++) {
                        pre[u] = bias[u];
                        for (int k = 0; k < in; k++) pre[u] += wih[u * in + k] * x[xt + k];
                        for (int k = 0; k < hid; k++) pre[u] += whh[u * hid + k] * h[k];
                    }
                    for (int j = 0; j < hid; j++) {
                        assertEquals(1 / (1 + Math.exp(-pre[j])), gi[q * hid + j], 1e-6, cell + " row " + q + " node " + j + ": i");
                        assertEquals(pre[2 * hid + j], gg[q * hid + j], 1e-6, cell + " row " + q + " node " + j + ": g");
                        if (gs != null)
                            assertEquals(Math.tanh(pre[(cell.gates() - 1) * hid + j]), gs[q * hid + j], 1e-6, "row " + q + " node " + j + ": s");
                    }
                }
            }
            lstm.free();
        }
    }

    /**
     * LSTM.runEmbedded (the table projected once, then its rows gathered) against run on the looked-up rows: the same
     * output and the same gradients to the table and every LSTM parameter, with repeated ids and masked padding.
     */
    @Test void embeddedRunMatchesLookupThenRun() {
        Backend be = ReferenceBackend.f64();
        int vocab = 5, steps = 4, b = 3;
        int[] ids = {1, 2, 3, 4, 1, 2, 3, 0, 1, 4, 0, 0};   // time-major; row 1 ends after 3 steps, row 2 after 2
        float[] mask = new float[ids.length];
        for (int i = 0; i < ids.length; i++) mask[i] = ids[i] != 0 ? 1 : 0;
        for (LstmCell cell : LstmCell.values()) {
            Embedding[] emb = new Embedding[2];
            LSTM[] lstm = new LSTM[2];
            float[][] out = new float[2][];
            for (int k = 0; k < 2; k++) {
                SplittableRandom rng = new SplittableRandom(3);   // the same parameters for both paths
                emb[k] = new Embedding(be, vocab, 3, rng);
                lstm[k] = new LSTM(be, 3, 4, cell, UnaryOp.SIGMOID, rng);
                try (Scope sc = Scope.open()) {
                    Tensor h = k == 0 ? lstm[k].run(emb[k].lookup(ids), mask, steps)
                            : lstm[k].runEmbedded(emb[k].weight(), ids, mask, steps);
                    out[k] = h.toArray();
                    Tape.backward(Ops.sum(Ops.mul(h, h)));
                }
            }
            assertClose(cell + " output", out[1], out[0], 1e-6);
            assertClose(cell + " d embedding", emb[1].weight().grad().toArray(), emb[0].weight().grad().toArray(), 1e-6);
            for (String p : lstm[0].namedParameters().keySet())
                assertClose(cell + " d" + p, lstm[1].namedParameters().get(p).grad().toArray(),
                        lstm[0].namedParameters().get(p).grad().toArray(), 1e-6);
            for (int k = 0; k < 2; k++) { emb[k].free(); lstm[k].free(); }
        }
    }

    /** The same model (same seed) on cpu and on the reference: logits and every parameter gradient. */
    @Test void cpuModelMatchesReferenceModel() {
        NativeRequired.cpu();
        float[] x = batch(new Random(9), 6, 7, 10, null);
        int[] y = {0, 1, 2, 0, 1, 2};
        for (String model : LSTMS) {
            JsonObject c = config(model, 10, 7, 3);
            c.addProperty("dropout", 0.0);
            Network nr = Models.build(c, ReferenceBackend.get(), 4), nc = Models.build(c, CpuBackend.get(), 4);
            try (Scope s = Scope.open()) {
                // one graph at a time: the tape is per thread, and a backward clears it
                Tensor lr = nr.forward(Tensor.of(ReferenceBackend.get(), x, 6, 7));
                Tape.backward(Ops.crossEntropy(lr, y));
                Tensor lc = nc.forward(Tensor.of(CpuBackend.get(), x, 6, 7));
                Tape.backward(Ops.crossEntropy(lc, y));
                assertClose(model + " logits", lc.toArray(), lr.toArray(), 1e-5);
                for (String p : nr.body.namedParameters().keySet())
                    assertClose(model + " d" + p, nc.body.namedParameters().get(p).grad().toArray(),
                            nr.body.namedParameters().get(p).grad().toArray(), 1e-4);
            }
            nr.body.free();
            nc.body.free();
        }
    }

    /**
     * A generated task: right-padded sequences of tokens 1..vocab−1, lengths 1..maxLen, class = the first token mod 3,
     * so the network must carry the first token to the end through the padding. labels receives the classes.
     */
    static float[] batch(Random r, int b, int maxLen, int vocab, int[] labels) {
        float[] x = new float[b * maxLen];
        for (int i = 0; i < b; i++) {
            int len = 1 + r.nextInt(maxLen);
            for (int t = 0; t < len; t++) x[i * maxLen + t] = 1 + r.nextInt(vocab - 1);
            if (labels != null) labels[i] = (int) x[i * maxLen] % 3;
        }
        return x;
    }

    @Test void everyVariantLearnsAGeneratedSequenceTask() {
        Backend be = CpuBackend.isAvailable() ? CpuBackend.get() : ReferenceBackend.get();
        int b = 32, maxLen = 8, vocab = 10;
        for (String model : LSTMS) {
            JsonObject c = config(model, vocab, maxLen, 3);
            c.addProperty("embedding", 16);
            c.addProperty("hidden", 16);
            Network n = Models.build(c, be, 2);
            Optimizer opt = new Adam(n.body.namedParameters(), 0.01f, 0.9f, 0.999f, 1e-8f, false);
            Random r = new Random(11);
            double[] fl = SequenceTraining.firstAndLastLoss(n, be, opt, 150, b, maxLen, r,
                    (rng, y) -> batch(rng, b, maxLen, vocab, y));
            double first = fl[0], last = fl[1];
            System.out.printf("%s on %s: mean loss of the first 10 steps %.3f, of the last 10 %.3f%n", model, be.name(), first, last);
            assertTrue(last < 0.5 * first, model + ": loss did not fall enough: " + first + " -> " + last);
            opt.free();
            n.body.free();
        }
    }

    @Test void idsOutsideTheVocabularyAreOneClearSentence() {
        Network n = Models.build(config("lstm-mod", 5, 3, 2), ReferenceBackend.get(), 1);
        try (Scope s = Scope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> n.forward(Tensor.of(ReferenceBackend.get(), new float[] {1, 7, 0}, 1, 3)));
            assertTrue(e.getMessage().contains("token id 7.0 at position 1"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.build(Models.defaults("lstm", 12, 3), ReferenceBackend.get(), 1));
        assertTrue(e.getMessage().contains("--set vocab=N"), e.getMessage());
    }

    @Test void mlpModIsActOfTheModulationTimesThePreactivation() {
        Backend be = ReferenceBackend.f64();
        ModulatedDense d = new ModulatedDense(be, 4, 3, UnaryOp.TANH, UnaryOp.SIGMOID, new SplittableRandom(1));
        float[] x = {0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 0f};
        try (Scope s = Scope.open()) {
            float[] got = d.forward(Tensor.of(be, x, 2, 4)).toArray();
            Map<String, Tensor> p = d.namedParameters();
            float[] w = p.get("weight").toArray(), wm = p.get("mod_weight").toArray();
            for (int r = 0; r < 2; r++) {
                double u = 0;
                for (int k = 0; k < 4; k++) u += wm[k] * x[r * 4 + k];
                double sm = 1 / (1 + Math.exp(-u));
                for (int j = 0; j < 3; j++) {
                    double v = 0;
                    for (int k = 0; k < 4; k++) v += w[j * 4 + k] * x[r * 4 + k];
                    assertEquals(Math.tanh(sm * v), got[r * 3 + j], 1e-6);
                }
            }
        }
        Network n = Models.build(Models.defaults("mlp-mod", 4, 3), be, 1);
        assertEquals(4 * 256 + 256 + 4 + 1 + 256 * 3 + 3, n.body.parameterCount(), "mlp-mod: one modulator node per hidden layer");
        d.free();
        n.body.free();
    }
}
