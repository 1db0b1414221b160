package org.hhnn.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.workload.Workload;
import org.hhnn.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn bench --workload NAME}: times one workload on one backend (median of repeats). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time a benchmark workload on a backend.")
public final class BenchCommand implements Callable<Integer> {
    private static final Gson GSON = new Gson();

    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--workload", required = true, description = "workload: gemm, W1 (HH forward), W2 (HH layer training step), W5 (Legendre activation), W3-*, W4[-mod], W6[-mod] (language-model training), predict (HHNN inference at batch 1 and 256)")
    String workload;

    @Option(names = "--size", defaultValue = "0",
            description = "gemm: n of the n³ product (default 1024); W1/W2: the HH window w in steps (default: W1 1000, W2 100)")
    int size;

    @Option(names = "--steps", defaultValue = "0", description = "W2 only: simulated steps T (default 400; peak RSS then shows memory growing with T/w)")
    int steps;

    @Option(names = "--repeats", defaultValue = "5", description = "timed repetitions (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up repetitions (default: ${DEFAULT-VALUE})")
    int warmup;

    @Mixin JsonOption json = new JsonOption();   // one object a line

    @Override public Integer call() {
        if (repeats < 1) throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        Backend backend = backendOptions.resolve();
        // predict without --size: latency at batch 1 and throughput at batch 256 (the paper's real-time inference)
        int[] sizes = workload.equalsIgnoreCase("predict") && size == 0 ? new int[] {1, 256} : new int[] {size};
        for (int sz : sizes) {
            try (Workload w = Workloads.create(workload, backend, sz, steps)) {
                Workloads.Summary s = Workloads.Summary.of(Workloads.measure(w, warmup, repeats));
                double latencyMs = w instanceof org.hhnn.workload.PredictWorkload p ? 1000 * p.batch() / s.median() : Double.NaN;
                if (json.json) {
                    JsonObject o = new JsonObject();
                    o.addProperty("workload", w.name());
                    o.addProperty("backend", backend.name());
                    o.addProperty("unit", w.unit());
                    GSON.toJsonTree(s).getAsJsonObject().asMap().forEach(o::add);   // median, best, worst, repeats
                    if (!Double.isNaN(latencyMs)) o.addProperty("latency_ms", latencyMs);
                    o.addProperty("peak_rss_mb", org.hhnn.workload.Memory.peakRssMb());
                    System.out.println(GSON.toJson(o));
                } else {
                    System.out.printf("%s on %s: median %.4g %s (best %.4g, worst %.4g, %d repeats)%s; peak RSS %.0f MiB%n",
                            w.name(), backend.name(), s.median(), w.unit(), s.best(), s.worst(), s.repeats(),
                            Double.isNaN(latencyMs) ? "" : String.format(", %.3f ms per batch", latencyMs), org.hhnn.workload.Memory.peakRssMb());
                }
            }
        }
        return 0;
    }
}
