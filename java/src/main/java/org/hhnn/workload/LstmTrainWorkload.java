package org.hhnn.workload;

import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.optim.Adam;
import org.hhnn.optim.Optimizer;
import org.hhnn.optim.Sgd;
import org.hhnn.tensor.Tensor;

/**
 * BENCHMARKS.md W3, LSTM training steps (forward, backward, optimizer update), vanilla ({@code lstm}) or modulated
 * ({@code lstm-mod}, σ_m = sigmoid as the peer's hand-written modulated cell), as ../shared/peers/w3_lstm_torch.py:
 * Embedding → LSTM → last hidden state → Linear → cross-entropy, no dropout, a fixed pool of 8 random batches.
 * <ul>
 *   <li>Simple-LSTM: vocab 57, embedding 128, hidden 32, batch 32, length 12, 18 classes, SGD lr 0.01.</li>
 *   <li>Advanced-LSTM: vocab 20,000, embedding 300, hidden 150, batch 5, length 20, 2 classes, Adam lr 1e-3
 *       (dense embedding gradient: Adam updates all 6M embedding weights every step).</li>
 * </ul>
 * Token ids are drawn from 1..vocab−1 (0 is padding here) and every sequence has the full length, so every step runs
 * every row, as the peer's. Figure: sequences/s = batch · steps per run / seconds.
 */
public final class LstmTrainWorkload implements Workload {
    private static final int POOL = 8;

    private final Backend backend;
    private final String name;
    private final Network net;
    private final TrainingSteps steps;
    private final int batch, stepsPerRun;

    /** advanced: the Advanced-LSTM configuration (else Simple); modulated: lstm-mod (else lstm). */
    public LstmTrainWorkload(Backend backend, boolean advanced, boolean modulated, int stepsPerRun) {
        this.backend = backend;
        this.name = "W3-" + (advanced ? "advanced" : "simple") + (modulated ? "-mod" : "");
        int vocab = advanced ? 20000 : 57, len = advanced ? 20 : 12, classes = advanced ? 2 : 18;
        this.batch = advanced ? 5 : 32;
        this.stepsPerRun = stepsPerRun;
        JsonObject c = Models.defaults(modulated ? "lstm-mod" : "lstm", len, classes);
        if (advanced) {
            c.addProperty("embedding", 300);
            c.addProperty("hidden", 150);
        }
        c.addProperty("vocab", vocab);
        c.addProperty("dropout", 0.0);
        if (modulated) c.addProperty("mod_activation", "sigmoid");
        net = Models.build(c, backend, 0);
        Optimizer opt = advanced ? new Adam(net.body.namedParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, false)
                : new Sgd(net.body.namedParameters(), 0.01f, 0f, false);
        Tensor[] xs = new Tensor[POOL];
        int[][] ys = new int[POOL][];
        SplittableRandom rng = new SplittableRandom(1);
        for (int k = 0; k < POOL; k++) {
            float[] x = new float[batch * len];
            for (int i = 0; i < x.length; i++) x[i] = 1 + rng.nextInt(vocab - 1);
            xs[k] = Tensor.persistentOf(backend, x, batch, len);
            ys[k] = new int[batch];
            for (int i = 0; i < batch; i++) ys[k][i] = rng.nextInt(classes);
        }
        steps = new TrainingSteps(net, opt, xs, ys, stepsPerRun);
    }

    @Override public String name() { return name; }
    @Override public String unit() { return "sequences/s"; }
    @Override public double workPerRun() { return (double) batch * stepsPerRun; }

    @Override public Backend backend() { return backend; }

    @Override public void run() { steps.run(); }

    @Override public void close() { steps.close(); }
}
