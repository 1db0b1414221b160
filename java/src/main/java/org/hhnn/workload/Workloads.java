package org.hhnn.workload;

import java.util.Arrays;
import java.util.List;
import org.hhnn.backend.Backend;

/** Workloads by name, and the one timing loop the CLI uses (median of repeats after warm-up). */
public final class Workloads {
    private Workloads() {}

    public static final List<String> NAMES = List.of("gemm");

    public static Workload create(String name, Backend backend, int size) {
        switch (name) {
            case "gemm": return new GemmWorkload(backend, size > 0 ? size : 1024);
            default: throw new IllegalArgumentException("unknown workload '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /** Rates (unit per second) of each timed repetition, after warmup untimed ones. */
    public static double[] measure(Workload w, int warmup, int repeats) {
        for (int i = 0; i < warmup; i++) w.run();
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            w.run();
            rates[i] = w.workPerRun() / ((System.nanoTime() - t0) / 1e9);
        }
        return rates;
    }

    public record Summary(double median, double best, double worst, int repeats) {
        public static Summary of(double[] rates) {
            double[] s = rates.clone();
            Arrays.sort(s);
            int n = s.length;
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Summary(med, s[n - 1], s[0], n);
        }
    }

}
