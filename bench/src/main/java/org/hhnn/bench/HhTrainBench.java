package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.HhTrainWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * BENCHMARKS.md W2 (HH layer forward + backward), neuron-steps/s = 32·256·400 / (seconds per op).
 * The workload is defined once in {@link HhTrainWorkload} (also run by {@code hhnn bench --workload W2}).
 * Run: {@code ./hhnn jmh HhTrainBench} (add {@code -p backend=reference,cpu} for the same-run ratio).
 */
public class HhTrainBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Param({"100"})
    public int window;

    /** W2 (batch 32 × 256) or W2-gpu (batch 512 × 1024, BENCHMARKS.md § GPU: run with -p backend=cuda -p shape=W2-gpu). */
    @Param({"W2"})
    public String shape;

    @Override protected Workload open() {
        return shape.equals("W2-gpu")
                ? new HhTrainWorkload(Backends.get(backend), window, HhTrainWorkload.STEPS, HhTrainWorkload.GPU_BATCH, HhTrainWorkload.GPU_NEURONS)
                : new HhTrainWorkload(Backends.get(backend), window);
    }

    @Benchmark
    public void hhTrainStep() { step(); }
}
