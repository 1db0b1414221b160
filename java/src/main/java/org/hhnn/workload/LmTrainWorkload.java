package org.hhnn.workload;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.train.LmTrainer;
import org.hhnn.train.TrainConfig;

/**
 * BENCHMARKS.md W6, word-level language-model training steps as ../shared/peers/w6_lm_torch.py: the small AWD-LSTM
 * shape (vocabulary 10,000, embedding 200, 3 LSTM layers of 200, decoder tied to the embedding), batch 20, BPTT window
 * 35, SGD lr 1, clipping 0.25, the state carried between windows; dropouts, weight drop, AR/TAR and weight decay off
 * (as the peer), a fixed pool of 8 random windows. {@code W6-mod}: the modulation gate in every layer
 * ({@code awd-lstm-mod}, σ_m = sigmoid). Each step is {@link LmTrainer#trainWindow}, the training loop's own step.
 * Figure: tokens/s = batch · 35 · steps per run / seconds.
 */
public final class LmTrainWorkload implements Workload {
    static final int POOL = 8, BATCH = 20, BPTT = 35, VOCAB = 10000;

    private final Backend backend;
    private final String name;
    private final LmTrainer trainer;
    private final int[][] inputs, targets;
    private final int stepsPerRun;
    private int next;

    public LmTrainWorkload(Backend backend, boolean modulated, int stepsPerRun) {
        this.backend = backend;
        this.name = modulated ? "W6-mod" : "W6";
        this.stepsPerRun = stepsPerRun;
        String model = modulated ? "awd-lstm-mod" : "awd-lstm";
        JsonObject c = Models.defaults(model, 0, VOCAB);
        AwdLstm.applySize(c, "small");
        for (String k : new String[] {"dropout", "dropouth", "dropouti", "dropoute", "wdrop", "alpha", "beta", "weight_decay"})
            c.addProperty(k, 0.0);
        c.addProperty("lr", 1.0);
        c.addProperty("clip", 0.25);
        TrainConfig cfg = new TrainConfig();
        cfg.progress = false;
        trainer = new LmTrainer(Models.build(c, backend, 0), backend, cfg, new PrintStream(OutputStream.nullOutputStream()));
        SplittableRandom rng = new SplittableRandom(1);
        inputs = new int[POOL][];
        targets = new int[POOL][];
        for (int k = 0; k < POOL; k++) {
            int[] w = new int[(BPTT + 1) * BATCH];
            for (int i = 0; i < w.length; i++) w[i] = rng.nextInt(VOCAB);
            inputs[k] = java.util.Arrays.copyOfRange(w, 0, BPTT * BATCH);
            targets[k] = java.util.Arrays.copyOfRange(w, BATCH, w.length);
        }
    }

    @Override public String name() { return name; }
    @Override public String unit() { return "tokens/s"; }
    @Override public double workPerRun() { return (double) BATCH * BPTT * stepsPerRun; }

    @Override public Backend backend() { return backend; }

    @Override public void run() {
        for (int s = 0; s < stepsPerRun; s++) {
            int k = next++ % POOL;
            trainer.trainWindow(inputs[k], targets[k], BPTT, 1f);
        }
    }

    @Override public void close() {
        trainer.free();
        trainer.network().body.free();
    }
}
