package org.hhnn.workload;

import java.util.Arrays;
import java.util.List;
import org.hhnn.backend.Backend;

/** Workloads by name, and the one timing loop the CLI uses (median of repeats after warm-up). */
public final class Workloads {
    private Workloads() {}

    public static final List<String> NAMES = List.of("gemm", "W1", "W2", "W5");

    /** size: gemm's n, or the HH window w of W1/W2 (0 = the workload's default). */
    public static Workload create(String name, Backend backend, int size) {
        switch (name.toUpperCase().equals("GEMM") ? "gemm" : name.toUpperCase()) {
            case "gemm": return new GemmWorkload(backend, size > 0 ? size : 1024);
            case "W1": return new HhForwardWorkload(backend, size > 0 ? size : HhForwardWorkload.STEPS);
            case "W2": return new HhTrainWorkload(backend, size > 0 ? size : 100);
            case "W5": return new LegendreWorkload(backend);
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
