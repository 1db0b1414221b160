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

    /** BENCHMARKS.md § GPU: W2 scaled to fill a GPU (batch 512 × 1024 neurons). */
    public static final int GPU_BATCH = 512, GPU_NEURONS = 1024;

    private final Backend backend;
    private final int steps, batch, neurons;

    private final HHLayer layer;
    private final Tensor x;

    public HhTrainWorkload(Backend backend, int window) { this(backend, window, STEPS); }

    /** steps other than 400 is W2 stretched in time (for the memory-versus-T measurement). */
    public HhTrainWorkload(Backend backend, int window, int steps) { this(backend, window, steps, BATCH, NEURONS); }

    /** W2 with another batch and width (the GPU-scaled variant: {@link #GPU_BATCH} × {@link #GPU_NEURONS}). */
    public HhTrainWorkload(Backend backend, int window, int steps, int batch, int neurons) {
        this.backend = backend;
        this.steps = steps;
        this.batch = batch;
        this.neurons = neurons;
        HHConfig c = new HHConfig();
        c.inFeatures = IN;
        c.neurons = neurons;
        c.steps = steps;
        c.window = window;
        c.boundedCurrent = false;
        c.gain = 1f;
        c.degree = 4;
        c.readout = HHLayer.Readout.NEURON;
        layer = new HHLayer(backend, c, new SplittableRandom(7));
        Random rng = new Random(7);
        float[] w = new float[neurons * IN], xs = new float[batch * IN];
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.0255 + 0.31 * rng.nextGaussian());
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextFloat();
        backend.upload(w, layer.namedParameters().get("weight").buffer());
        x = Tensor.persistentOf(backend, xs, batch, IN);
    }

    @Override public String name() {
        String base = batch == GPU_BATCH && neurons == GPU_NEURONS ? "W2-gpu" : "W2";
        return steps == STEPS ? base : base + "-T" + steps;
    }
    @Override public String unit() { return "neuron-steps/s"; }
    @Override public double workPerRun() { return (double) batch * neurons * steps; }

    @Override public Backend backend() { return backend; }

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
