package org.hhnn.sim;

import java.util.ArrayList;
import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.nn.HHLayer;

/**
 * Simulates a population of independent HH neurons under constant currents on a backend, one
 * step per primitive call so that every step's state can be recorded (the fused windows of
 * training record nothing per step). Spike = upward crossing of the threshold (DESIGN.md).
 */
public final class Simulator {
    private Simulator() {}

    /** What one neuron did. Traces are null unless recorded; times in ms. */
    public record Neuron(float current, int spikeCount, List<Double> spikeTimes, double rateHz,
                         float[] v, float[] m, float[] h, float[] n) {}

    public record Result(double durationMs, double dt, int steps, List<Neuron> neurons) {}

    /**
     * Runs each current in currents (µA/cm²) for durationMs from rest (V = −65 mV, gates at steady state).
     * record keeps V, m, h, n after every step (memory: 4 floats × steps × neurons).
     */
    public static Result run(Backend backend, float[] currents, double durationMs, float dt, float vThreshold, boolean record) {
        if (currents.length == 0) throw new IllegalArgumentException("simulate: no currents given");
        if (!(durationMs > 0)) throw new IllegalArgumentException("--duration must be a positive number of ms, got " + durationMs);
        if (!(dt > 0 && dt <= 0.1f)) throw new IllegalArgumentException("--dt must be in (0, 0.1] ms, got " + dt);
        for (float c : currents)
            if (!Float.isFinite(c)) throw new IllegalArgumentException("simulate: current " + c + " is not a finite number");
        int n = currents.length;
        int steps = (int) Math.round(durationMs / dt);
        if (steps < 1) throw new IllegalArgumentException("--duration " + durationMs + " ms is shorter than one step of " + dt + " ms");
        HhSpec spec = new HhSpec(1, dt, 0, 1f, 50f, -77f, -54.387f, 120f, 36f, 0.3f, vThreshold, 2f);
        float[] rest = HHLayer.restStateValues(), s = new float[n * 4];
        for (int i = 0; i < n; i++) System.arraycopy(rest, 0, s, 4 * i, 4);
        Buffer state = backend.alloc(n * 4L), next = backend.alloc(n * 4L), cur = backend.alloc(n), basis = backend.alloc(n), spikes = backend.alloc(n);
        try {
            backend.upload(s, state);
            backend.upload(currents, cur);
            float[][] traces = record ? new float[n * 4][steps + 1] : null;
            if (record) for (int i = 0; i < n * 4; i++) traces[i][0] = s[i];
            int[] counts = new int[n];
            List<List<Double>> times = new ArrayList<>();
            for (int i = 0; i < n; i++) times.add(new ArrayList<>());
            float[] sp = new float[n];
            float[] prevV = new float[n];
            for (int i = 0; i < n; i++) prevV[i] = s[4 * i];
            for (int t = 1; t <= steps; t++) {
                backend.hhForward(spec, state, cur, null, next, basis, spikes, 1, n);
                Buffer tmp = state; state = next; next = tmp;
                backend.download(state, s);
                backend.download(spikes, sp);
                for (int i = 0; i < n; i++) {
                    if (sp[i] > 0) {
                        counts[i] += (int) sp[i];
                        times.get(i).add(interpolate(prevV[i], s[4 * i], vThreshold, t, dt));
                    }
                    prevV[i] = s[4 * i];
                    if (record) for (int k = 0; k < 4; k++) traces[4 * i + k][t] = s[4 * i + k];
                }
            }
            List<Neuron> out = new ArrayList<>();
            for (int i = 0; i < n; i++)
                out.add(new Neuron(currents[i], counts[i], times.get(i), counts[i] / (steps * dt / 1000.0),
                        record ? traces[4 * i] : null, record ? traces[4 * i + 1] : null,
                        record ? traces[4 * i + 2] : null, record ? traces[4 * i + 3] : null));
            double dtExact = Double.parseDouble(Float.toString(dt)); // 0.025f prints as 0.025, not 0.0250000004
            return new Result(Math.round(steps * dtExact * 1e9) / 1e9, dtExact, steps, out);
        } finally {
            for (Buffer b : new Buffer[] {state, next, cur, basis, spikes}) backend.free(b);
        }
    }

    /** Crossing time (ms) by linear interpolation between the steps t−1 and t. */
    private static double interpolate(float before, float after, float th, int t, float dt) {
        double frac = after == before ? 1.0 : (th - before) / (double) (after - before);
        return (t - 1 + Math.max(0, Math.min(1, frac))) * dt;
    }
}
