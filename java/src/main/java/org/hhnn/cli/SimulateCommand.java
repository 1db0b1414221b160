package org.hhnn.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.sim.Simulator;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.Plots;
import org.hhnn.train.Safetensors.NamedTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hhnn simulate}: HH neurons under constant currents. Prints spike counts, times and rates;
 * writes CSV traces and PNG plots (V(t) with gates, the F–I curve, the Legendre readout basis over
 * the voltage range, and a trained model's per-neuron readout functions with --checkpoint).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate HH neurons under constant currents: spikes, rates, traces and plots.")
public final class SimulateCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--current", split = ",", paramLabel = "I", description = "input current(s) in µA/cm² (default: 10)")
    float[] currents;

    @Option(names = "--fi", paramLabel = "FROM:TO:STEP", description = "F–I sweep over currents FROM..TO (inclusive) in STEP")
    String fi;

    @Option(names = "--duration", defaultValue = "200", description = "simulated time in ms (default: ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--dt", defaultValue = "0.025", description = "time step in ms (default: ${DEFAULT-VALUE})")
    float dt;

    @Option(names = "--threshold", defaultValue = "0", description = "spike threshold in mV (default: ${DEFAULT-VALUE})")
    float threshold;

    @Option(names = "--degree", defaultValue = "4", description = "Legendre degree of the basis plot (default: ${DEFAULT-VALUE})")
    int degree;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "also plot this trained model's per-neuron readout functions")
    Path checkpoint;

    @Mixin OutDirOption out = new OutDirOption();

    @Mixin JsonOption json = new JsonOption();   // an object for one current, an array for several or --fi

    @Override public Integer call() throws IOException {
        float[] cur = currents();
        Backend backend = backendOptions.resolve();
        boolean sweep = fi != null || cur.length > 1;
        Simulator.Result r = Simulator.run(backend, cur, duration, dt, threshold, !sweep || cur.length <= 4);
        Path dir = out.create("simulate");

        printResult(r, sweep);
        if (r.neurons().get(0).v() != null) writeTraces(r, dir);
        if (sweep) writeFi(r, dir);
        plotBasis(backend, dir);
        if (checkpoint != null) plotReadouts(backend, checkpoint, dir);
        System.err.println("INFO simulate: files in " + dir);
        return 0;
    }

    private float[] currents() {
        if (fi != null && currents != null) throw new IllegalArgumentException("give either --current or --fi, not both");
        if (fi == null) return currents != null ? currents : new float[] {10f};
        String[] p = fi.split(":");
        if (p.length != 3) throw new IllegalArgumentException("--fi must be FROM:TO:STEP, got '" + fi + "'");
        double from, to, step;
        try {
            from = Double.parseDouble(p[0]);
            to = Double.parseDouble(p[1]);
            step = Double.parseDouble(p[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fi must be three numbers FROM:TO:STEP, got '" + fi + "'");
        }
        if (!(step > 0) || to < from) throw new IllegalArgumentException("--fi needs STEP > 0 and TO >= FROM, got '" + fi + "'");
        int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
        if (n > 10_000) throw new IllegalArgumentException("--fi '" + fi + "' asks for " + n + " currents; at most 10000");
        float[] c = new float[n];
        for (int i = 0; i < n; i++) c[i] = (float) (from + i * step);
        return c;
    }

    private void printResult(Simulator.Result r, boolean sweep) {
        if (json.json) {
            JsonElement o;
            if (!sweep) {
                o = neuronJson(r.neurons().get(0), r, true);
            } else {
                JsonArray a = new JsonArray();
                for (Simulator.Neuron n : r.neurons()) a.add(neuronJson(n, r, false));
                o = a;
            }
            JsonOption.print(o);
            return;
        }
        for (Simulator.Neuron n : r.neurons()) {
            System.out.printf("I = %6.2f µA/cm²: %3d spikes in %.1f ms, rate %.1f Hz%n", n.current(), n.spikeCount(), r.durationMs(), n.rateHz());
            if (!sweep && !n.spikeTimes().isEmpty()) {
                StringBuilder s = new StringBuilder("  spike times (ms):");
                for (double t : n.spikeTimes()) s.append(String.format(" %.2f", t));
                System.out.println(s);
            }
        }
    }

    private static JsonObject neuronJson(Simulator.Neuron n, Simulator.Result r, boolean times) {
        JsonObject o = new JsonObject();
        o.addProperty("current", n.current());
        o.addProperty("spike_count", n.spikeCount());
        o.addProperty("rate_hz", n.rateHz());
        if (times) {
            JsonArray t = new JsonArray();
            for (double x : n.spikeTimes()) t.add(Math.round(x * 1000) / 1000.0);
            o.add("spike_times", t);
            o.addProperty("duration_ms", r.durationMs());
            o.addProperty("dt", r.dt());
        }
        return o;
    }

    private static double[] time(Simulator.Result r) {
        double[] t = new double[r.steps() + 1];
        for (int i = 0; i < t.length; i++) t[i] = i * r.dt();
        return t;
    }

    private static double[] d(float[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i];
        return o;
    }

    private static void writeTraces(Simulator.Result r, Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("t_ms");
        for (Simulator.Neuron n : r.neurons())
            for (String k : new String[] {"V", "m", "h", "n"}) csv.append(',').append(k).append("_I").append(n.current());
        csv.append('\n');
        double[] t = time(r);
        for (int s = 0; s < t.length; s++) {
            csv.append(String.format("%.4f", t[s]));
            for (Simulator.Neuron n : r.neurons())
                csv.append(',').append(n.v()[s]).append(',').append(n.m()[s]).append(',').append(n.h()[s]).append(',').append(n.n()[s]);
            csv.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("traces.csv"), csv.toString());
        Map<String, double[][]> v = new LinkedHashMap<>(), gates = new LinkedHashMap<>();
        for (Simulator.Neuron n : r.neurons()) {
            v.put("V, I=" + n.current(), new double[][] {t, d(n.v())});
            if (r.neurons().size() == 1) {
                gates.put("m", new double[][] {t, d(n.m())});
                gates.put("h", new double[][] {t, d(n.h())});
                gates.put("n", new double[][] {t, d(n.n())});
            }
        }
        Plots.lines(dir.resolve("voltage.png"), "membrane potential", "t (ms)", "V (mV)", v);
        if (!gates.isEmpty()) Plots.lines(dir.resolve("gates.png"), "gating variables, I=" + r.neurons().get(0).current(), "t (ms)", "open fraction", gates);
    }

    private static void writeFi(Simulator.Result r, Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("current,spike_count,rate_hz\n");
        double[] i = new double[r.neurons().size()], f = new double[i.length];
        for (int k = 0; k < i.length; k++) {
            Simulator.Neuron n = r.neurons().get(k);
            csv.append(n.current()).append(',').append(n.spikeCount()).append(',').append(n.rateHz()).append('\n');
            i[k] = n.current();
            f[k] = n.rateHz();
        }
        AtomicFiles.writeString(dir.resolve("fi.csv"), csv.toString());
        Plots.lines(dir.resolve("fi.png"), "F–I curve (" + r.durationMs() + " ms)", "I (µA/cm²)", "rate (Hz)", Map.of("rate", new double[][] {i, f}));
    }

    /** P_k(x(V)) for V in [−100, 60] mV, x = clamp((V+15)/75, −1, 1), computed by the backend's primitive. */
    private void plotBasis(Backend backend, Path dir) throws IOException {
        int n = 321, k = degree + 1;
        double[] v = new double[n];
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = -100 + i * 0.5;
            x[i] = (float) ((v[i] + 15) / 75);
        }
        float[] p = basis(backend, x, degree);
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = p[i * k + j];
            series.put("P" + j, new double[][] {v, y});
        }
        Plots.lines(dir.resolve("legendre_basis.png"), "Legendre readout basis over the voltage range", "V (mV)", "P_k(x(V))", series);
    }

    static float[] basis(Backend backend, float[] x, int degree) {
        Buffer bx = backend.alloc(x.length), bp = backend.alloc((long) x.length * (degree + 1));
        try {
            backend.upload(x, bx);
            backend.legendreBasis(bx, bp, 1, x.length, degree);
            float[] p = new float[x.length * (degree + 1)];
            backend.download(bp, p);
            return p;
        } finally {
            backend.free(bx);
            backend.free(bp);
        }
    }

    /** f_j(V) = Σ_k A_jk P_k(x(V)) for the first neurons of each per-neuron HH readout in the checkpoint. */
    static int plotReadouts(Backend backend, Path checkpoint, Path dir) throws IOException {
        Checkpoint.Loaded ck = Checkpoint.load(checkpoint);
        int plotted = 0;
        for (Map.Entry<String, NamedTensor> e : ck.tensors().entrySet()) {
            if (!e.getKey().startsWith("model.") || !e.getKey().endsWith(".legendre")) continue;
            NamedTensor a = e.getValue();
            if (a.shape().length != 2) continue;
            int m = a.shape()[0], k = a.shape()[1], n = 321;
            double[] v = new double[n];
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = -100 + i * 0.5;
                x[i] = (float) ((v[i] + 15) / 75);
            }
            float[] p = basis(backend, x, k - 1);
            Map<String, double[][]> series = new LinkedHashMap<>();
            for (int j = 0; j < Math.min(m, 8); j++) {
                double[] y = new double[n];
                for (int i = 0; i < n; i++)
                    for (int q = 0; q < k; q++) y[i] += a.data()[j * k + q] * p[i * k + q];
                series.put("neuron " + j, new double[][] {v, y});
            }
            String name = e.getKey().substring("model.".length()).replace('.', '_');
            Plots.lines(dir.resolve("readout_" + name + ".png"), "learned readout functions f_j(V) (" + e.getKey() + ")", "V (mV)", "f_j(V)", series);
            plotted++;
        }
        if (plotted == 0)
            throw new IllegalArgumentException(checkpoint + ": the checkpoint has no per-neuron Legendre readout (model.*.legendre of shape (M, D+1))");
        return plotted;
    }
}
