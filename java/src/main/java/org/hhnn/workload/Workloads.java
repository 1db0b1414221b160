package org.hhnn.workload;

import java.util.Arrays;
import java.util.List;
import org.hhnn.backend.Backend;

/** Workloads by name, and the one timing loop the CLI uses (median of repeats after warm-up). */
public final class Workloads {
    private Workloads() {}

    public static final List<String> NAMES = List.of("gemm", "W1", "W2", "W2-gpu", "W5", "W3-simple", "W3-simple-mod", "W3-advanced", "W3-advanced-mod", "W4", "W4-mod", "W6", "W6-mod", "predict");

    /** size: gemm's n, or the HH window w of W1/W2 (0 = the workload's default). */
    public static Workload create(String name, Backend backend, int size) { return create(name, backend, size, 0); }

    /** steps: W2's T (0 = 400, the benchmark's). */
    public static Workload create(String name, Backend backend, int size, int steps) {
        switch (name.toUpperCase().equals("GEMM") ? "gemm" : name.toUpperCase()) {
            case "gemm": return new GemmWorkload(backend, size > 0 ? size : 1024);
            case "W1": return new HhForwardWorkload(backend, size > 0 ? size : HhForwardWorkload.STEPS);
            case "W2": return new HhTrainWorkload(backend, size > 0 ? size : 100, steps > 0 ? steps : HhTrainWorkload.STEPS);
            case "W2-GPU": return new HhTrainWorkload(backend, size > 0 ? size : 100, steps > 0 ? steps : HhTrainWorkload.STEPS,
                    HhTrainWorkload.GPU_BATCH, HhTrainWorkload.GPU_NEURONS);
            case "W5": return new LegendreWorkload(backend);
            // W3: size = training steps per timed run (0 = 20 for Simple-LSTM, 5 for Advanced-LSTM)
            case "W3-SIMPLE": return new LstmTrainWorkload(backend, false, false, size > 0 ? size : 20);
            case "W3-SIMPLE-MOD": return new LstmTrainWorkload(backend, false, true, size > 0 ? size : 20);
            case "W3-ADVANCED": return new LstmTrainWorkload(backend, true, false, size > 0 ? size : 5);
            case "W3-ADVANCED-MOD": return new LstmTrainWorkload(backend, true, true, size > 0 ? size : 5);
            // W4: size = training steps per timed run (0 = 2)
            case "W4": return new CnnTrainWorkload(backend, false, size > 0 ? size : 2);
            case "W4-MOD": return new CnnTrainWorkload(backend, true, size > 0 ? size : 2);
            // W6: size = training steps (windows of 35) per timed run (0 = 5)
            case "W6": return new LmTrainWorkload(backend, false, size > 0 ? size : 5);
            case "W6-MOD": return new LmTrainWorkload(backend, true, size > 0 ? size : 5);
            // predict: size = batch (0 = 256; `hhnn bench --workload predict` times batch 1 and 256)
            case "PREDICT": return new PredictWorkload(backend, size > 0 ? size : 256);
            default: throw new IllegalArgumentException("unknown workload '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /** One run of w, returning once its backend has finished the work (a timer reads the clock after this). */
    public static void runToCompletion(Workload w) {
        w.run();
        w.backend().synchronize();
    }

    /** Rates (unit per second) of each timed repetition, after warmup untimed ones. */
    public static double[] measure(Workload w, int warmup, int repeats) {
        for (int i = 0; i < warmup; i++) runToCompletion(w);
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            runToCompletion(w);
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
