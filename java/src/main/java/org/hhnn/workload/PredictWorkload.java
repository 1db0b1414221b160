package org.hhnn.workload;

import java.util.Random;
import org.hhnn.backend.Backend;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.train.Predictor;

/**
 * Inference ("real-time inference", the HHNN paper): class probabilities of the default HHNN (784 inputs as
 * Fashion-MNIST, 10 classes, seed-1 weights) for a batch of random inputs, through {@link Predictor} as
 * {@code hhnn predict} runs it. Figure: samples/s; at batch 1 its inverse is the latency.
 */
public final class PredictWorkload implements Workload {
    public static final int FEATURES = 784, CLASSES = 10;

    private final Backend backend;
    private final int batch;
    private final Network net;
    private final Predictor predictor;
    private final float[] x;

    public PredictWorkload(Backend backend, int batch) {
        this.backend = backend;
        if (batch < 1) throw new IllegalArgumentException("predict batch must be at least 1, got " + batch);
        this.batch = batch;
        this.net = Models.build(Models.defaults("hhnn", FEATURES, CLASSES), backend, 1L);
        this.predictor = new Predictor(net, backend, FEATURES);
        Random rng = new Random(9);
        x = new float[batch * FEATURES];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    }

    public int batch() { return batch; }

    @Override public String name() { return "predict (hhnn, batch " + batch + ")"; }
    @Override public String unit() { return "samples/s"; }
    @Override public double workPerRun() { return batch; }

    @Override public Backend backend() { return backend; }

    @Override public void run() { predictor.probabilities(x, batch); }

    @Override public void close() { net.body.free(); }
}
