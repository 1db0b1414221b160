package org.hhnn.workload;

import java.util.Random;
import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.nn.HHConfig;
import org.hhnn.nn.HHLayer;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * BENCHMARKS.md W2, one training step of an HH layer: x (32, 784) ~ U[0, 1], I = x·Wᵀ with
 * W (256, 784) = 0.0255 + 0.31·N(0, 1), T = 400 steps in windows of w, readout
 * f_j = mean_t Σ_{k=0..4} a_jk P_k(x_j(t)), loss = Σ f, gradients to W and a (and the bias).
 * Figure: neuron-steps/s = 32·256·400 / seconds for forward + backward.
 */
public final class HhTrainWorkload implements Workload {
    public static final int BATCH = 32, IN = 784, NEURONS = 256, STEPS = 400;

    private final int steps;

    private final HHLayer layer;
    private final Tensor x;

    public HhTrainWorkload(Backend backend, int window) { this(backend, window, STEPS); }

    /** steps other than 400 is W2 stretched in time (for the memory-versus-T measurement). */
    public HhTrainWorkload(Backend backend, int window, int steps) {
        this.steps = steps;
        HHConfig c = new HHConfig();
        c.inFeatures = IN;
        c.neurons = NEURONS;
        c.steps = steps;
        c.window = window;
        c.boundedCurrent = false;
        c.gain = 1f;
        c.degree = 4;
        c.readout = HHLayer.Readout.NEURON;
        layer = new HHLayer(backend, c, new SplittableRandom(7));
        Random rng = new Random(7);
        float[] w = new float[NEURONS * IN], xs = new float[BATCH * IN];
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.0255 + 0.31 * rng.nextGaussian());
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextFloat();
        backend.upload(w, layer.namedParameters().get("weight").buffer());
        x = Tensor.persistentOf(backend, xs, BATCH, IN);
    }

    @Override public String name() { return steps == STEPS ? "W2" : "W2-T" + steps; }
    @Override public String unit() { return "neuron-steps/s"; }
    @Override public double workPerRun() { return (double) BATCH * NEURONS * steps; }

    @Override public void run() {
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.sum(layer.forward(x)));
        }
        Tensor g = layer.namedParameters().get("weight").grad();
        g.backend().fill(g.buffer(), 0f, g.size());
    }

    @Override public void close() {
        layer.free();
        x.free();
    }
}
