package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language-model trainer on a tiny corpus: a small AWD-LSTM (every regulariser on) learns a repeated sentence
 * pattern to perplexity &lt; 2; a run stopped in the middle of an epoch and resumed from its checkpoint ends with the
 * same bits (weights, optimiser state, per-epoch losses) as an uninterrupted run, NT-ASGD's switch included.
 * Run: mvn -B -o test -pl java -Dtest=LmTrainerTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LmTrainerTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir Path tmp;

    /** Sentences of a 12-word vocabulary in a fixed cycle: the next word is (almost) always determined. */
    static int[] corpus(int sentences) {
        int[][] s = {{0, 1, 2, 3, 11}, {4, 5, 6, 11}, {7, 8, 9, 10, 2, 11}};
        int[] out = new int[sentences * 6];
        int n = 0;
        for (int i = 0; i < sentences; i++) for (int w : s[i % 3]) out[n++] = w;
        return java.util.Arrays.copyOf(out, n);
    }

    static int[] shuffled(int[] a, long seed) {
        int[] b = a.clone();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = b.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }

    static JsonObject tiny(String model) {
        JsonObject c = Models.defaults(model, 0, 12);
        c.addProperty("vocab", 12);
        org.hhnn.nn.AwdLstm.setShape(c, 16, new int[] {24, 16}, 4, 8, 0.1, 0.1, 0.1, 0.05, 0.1);
        c.addProperty("eval_batch", 2);
        c.addProperty("lr", 5.0);
        return c;
    }

    static LmTrainer trainer(Backend be, JsonObject c, int epochs, Path ck) {
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = epochs;
        cfg.seed = 7;
        cfg.progress = false;
        cfg.checkpointDir = ck;
        return new LmTrainer(Models.build(c, be, cfg.seed), be, cfg, QUIET);
    }

    static Backend fastest() { return CpuBackend.isAvailable() ? CpuBackend.get() : ReferenceBackend.get(); }

    @Test void smallModelOverfitsTinyCorpus() {
        for (String model : new String[] {"awd-lstm", "awd-lstm-mod"}) {
            int[] train = corpus(300), valid = corpus(30);
            LmTrainer t = trainer(fastest(), tiny(model), 30, null);
            List<LmEpochStats> h = t.fit(train, valid);
            double first = h.get(0).valPpl(), last = h.get(h.size() - 1).valPpl();
            assertTrue(last < 2.0, model + ": validation perplexity " + last + " after " + h.size() + " epochs (first epoch " + first + ")");
            assertTrue(Math.exp(t.testLoss(valid)) < 2.0, model + ": test perplexity " + Math.exp(t.testLoss(valid)));
            t.free();
            t.network().body.free();
        }
    }

    @Test void resumeMidEpochGivesTheSameBits() {
        for (Backend be : CpuBackend.isAvailable() ? new Backend[] {ReferenceBackend.get(), CpuBackend.get()} : new Backend[] {ReferenceBackend.get()}) {
            JsonObject c = tiny("awd-lstm-mod");
            c.addProperty("nonmono", 1);
            // A validation stream of shuffled words: its loss rises once the model fits train's order, which fires the
            // averaging switch within the run, so its state crosses the checkpoint.
            int[] train = corpus(60), valid = shuffled(corpus(12), 3);
            LmTrainer whole = trainer(be, c, 5, null);
            whole.fit(train, valid);

            Path ck = tmp.resolve(be.name());
            LmTrainer first = trainer(be, c, 5, ck);
            first.stopAfterWindows = 13;   // mid-epoch 2 (about 9 windows an epoch)
            first.fit(train, valid);
            LmTrainer resumed = LmTrainer.resume(ck, be, QUIET, null);
            resumed.config().progress = false;
            resumed.stopAfterWindows = 0;
            resumed.fit(train, valid);

            assertEquals(whole.history().size(), resumed.history().size());
            for (int e = 0; e < whole.history().size(); e++) {
                assertEquals(whole.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 0.0, be.name() + " epoch " + e);
                assertEquals(whole.history().get(e).valLoss(), resumed.history().get(e).valLoss(), 0.0, be.name() + " epoch " + e);
            }
            assertTrue(whole.asgd().active() && resumed.asgd().active(), "NT-ASGD should have switched on (nonmono 1)");
            assertEquals(whole.asgd().count(), resumed.asgd().count());
            Map<String, Tensor> a = whole.network().body.namedParameters(), b = resumed.network().body.namedParameters();
            for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), be.name() + " " + k);
            for (String k : whole.asgd().averages().keySet())
                assertArrayEquals(whole.asgd().averages().get(k).toArray(), resumed.asgd().averages().get(k).toArray(), be.name() + " average " + k);
        }
    }

    @Test void parameterLinesCountEveryLayer() {
        JsonObject c = tiny("awd-lstm");
        AwdLstm m = (AwdLstm) Models.build(c, ReferenceBackend.get(), 1).body;
        List<String> lines = m.parameterLines();
        // embedding 12·16, layer 0: 4·24·(16+24+1), layer 1: 4·16·(24+16+1), decoder bias 12
        long expect = 12 * 16 + 4 * 24 * 41 + 4 * 16 * 41 + 12;
        assertEquals(expect, m.parameterCount());
        assertTrue(lines.get(lines.size() - 1).contains(String.format("%,d", expect)), lines.toString());
        assertTrue(lines.get(1).contains(String.format("%,d", 4 * 24 * 41)), lines.toString());
    }
}
