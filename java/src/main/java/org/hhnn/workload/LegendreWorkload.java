package org.hhnn.workload;

import java.util.Random;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * BENCHMARKS.md W5, the Legendre activation alone: x (4096, 1024) ~ U[−1, 1], degree 8, per-neuron
 * coefficients (1024, 9); forward + backward with a fixed random output gradient, gradients to x
 * and to the coefficients. Figure: elements/s = 4,194,304 / seconds.
 */
public final class LegendreWorkload implements Workload {
    public static final int ROWS = 4096, NEURONS = 1024, DEGREE = 8;

    private final Backend backend;
    private final Tensor x, c, g;

    public LegendreWorkload(Backend backend) {
        this.backend = backend;
        Random rng = new Random(5);
        float[] xs = new float[ROWS * NEURONS], cs = new float[NEURONS * (DEGREE + 1)], gs = new float[ROWS * NEURONS];
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextFloat() * 2 - 1;
        for (int i = 0; i < cs.length; i++) cs[i] = (float) rng.nextGaussian() * 0.3f;
        for (int i = 0; i < gs.length; i++) gs[i] = (float) rng.nextGaussian();
        x = Tensor.persistentOf(backend, xs, ROWS, NEURONS).setRequiresGrad(true);
        c = Tensor.persistentOf(backend, cs, NEURONS, DEGREE + 1).setRequiresGrad(true);
        g = Tensor.persistentOf(backend, gs, ROWS, NEURONS);
    }

    @Override public String name() { return "W5"; }
    @Override public String unit() { return "elements/s"; }
    @Override public double workPerRun() { return (double) ROWS * NEURONS; }

    @Override public Backend backend() { return backend; }

    @Override public void run() {
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.legendre(x, c), g);
        }
        // gradients accumulate into persistent leaves: drop them so every run does the same work
        for (Tensor t : new Tensor[] {x, c}) {
            t.grad().free();
            t.setGrad(null);
        }
    }

    @Override public void close() {
        for (Tensor t : new Tensor[] {x, c, g}) {
            if (t.grad() != null) t.grad().free();
            t.free();
        }
    }
}
