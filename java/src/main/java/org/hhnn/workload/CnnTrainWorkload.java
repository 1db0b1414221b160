package org.hhnn.workload;

import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.optim.Adam;
import org.hhnn.optim.Optimizer;
import org.hhnn.tensor.Tensor;

/**
 * BENCHMARKS.md W4, CNN training on 28×28×1 images (forward, backward, Adam 1e-3 update), vanilla ({@code cnn},
 * 889,834 parameters) or modulated ({@code cnn-mod}, 892,600), batch 128, 10 classes, dropout on as in training,
 * a fixed pool of 4 random batches (pixels uniform in [0, 1)). Figure: training images/s = 128 · steps per run / seconds.
 * Peer: ../shared/peers (run.sh W4).
 */
public final class CnnTrainWorkload implements Workload {
    public static final int BATCH = 128;
    private static final int POOL = 4, SIDE = 28, CLASSES = 10;

    private final Backend backend;
    private final String name;
    private final Network net;
    private final TrainingSteps steps;
    private final int stepsPerRun;

    public CnnTrainWorkload(Backend backend, boolean modulated, int stepsPerRun) {
        this.backend = backend;
        this.name = "W4" + (modulated ? "-mod" : "");
        this.stepsPerRun = stepsPerRun;
        JsonObject c = Models.defaults(modulated ? "cnn-mod" : "cnn", SIDE * SIDE, CLASSES);
        net = Models.build(c, backend, 0);
        Optimizer opt = new Adam(net.body.namedParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, false);
        Tensor[] xs = new Tensor[POOL];
        int[][] ys = new int[POOL][];
        SplittableRandom rng = new SplittableRandom(1);
        for (int k = 0; k < POOL; k++) {
            float[] x = new float[BATCH * SIDE * SIDE];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
            xs[k] = Tensor.persistentOf(backend, x, BATCH, SIDE * SIDE);
            ys[k] = new int[BATCH];
            for (int i = 0; i < BATCH; i++) ys[k][i] = rng.nextInt(CLASSES);
        }
        steps = new TrainingSteps(net, opt, xs, ys, stepsPerRun);
    }

    public long parameterCount() { return net.body.parameterCount(); }

    @Override public String name() { return name; }
    @Override public String unit() { return "images/s"; }
    @Override public double workPerRun() { return (double) BATCH * stepsPerRun; }

    @Override public Backend backend() { return backend; }

    @Override public void run() { steps.run(); }

    @Override public void close() { steps.close(); }
}
