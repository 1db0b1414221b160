package org.hhnn.workload;

import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.DropoutRng;
import org.hhnn.backend.HhSpec;
import org.hhnn.nn.HHLayer;

/**
 * BENCHMARKS.md W1, HH forward: 65,536 independent neurons (batch 64 × 1024), T = 1000 steps at
 * dt = 0.025 ms from rest, constant currents uniform in [0, 20] from the peers' splitmix64 hash
 * (common.iext_w1: the same bits as {@link DropoutRng#uniform} with seed 0). The whole run is one
 * fused window (nothing per step written); the readout basis is degree 0, the cheapest the
 * primitive computes. Figure: neuron-steps/s.
 */
public final class HhForwardWorkload implements Workload {
    public static final int BATCH = 64, NEURONS = 1024, STEPS = 1000;

    private final Backend backend;
    private final int window;
    private final HhSpec spec;
    private final Buffer rest, state, next, current, basis, spikes;

    public HhForwardWorkload(Backend backend, int window) {
        if (window < 1 || STEPS % window != 0) throw new IllegalArgumentException("W1 window must divide " + STEPS + ", got " + window);
        this.backend = backend;
        this.window = window;
        this.spec = HhSpec.defaults(window, 0);
        int n = BATCH * NEURONS;
        float[] r = HHLayer.restStateValues(), s = new float[n * 4], cur = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(r, 0, s, 4 * i, 4);
            cur[i] = 20f * DropoutRng.uniform(0, i);
        }
        rest = backend.alloc(n * 4L);
        state = backend.alloc(n * 4L);
        next = backend.alloc(n * 4L);
        current = backend.alloc(n);
        basis = backend.alloc(n);
        spikes = backend.alloc(n);
        backend.upload(s, rest);
        backend.upload(cur, current);
    }

    @Override public String name() { return "W1"; }
    @Override public String unit() { return "neuron-steps/s"; }
    @Override public double workPerRun() { return (double) BATCH * NEURONS * STEPS; }

    @Override public Backend backend() { return backend; }

    @Override public void run() {
        long n = (long) BATCH * NEURONS * 4;
        backend.copy(rest, 0, state, 0, n);
        Buffer a = state, b = next;
        for (int w = 0; w < STEPS / window; w++) {
            backend.hhForward(spec, a, current, null, b, basis, spikes, BATCH, NEURONS);
            Buffer t = a; a = b; b = t;
        }
        float[] probe = new float[1];
        backend.download(a, probe); // forces completion on asynchronous backends
    }

    @Override public void close() {
        for (Buffer b : new Buffer[] {rest, state, next, current, basis, spikes}) backend.free(b);
    }
}
