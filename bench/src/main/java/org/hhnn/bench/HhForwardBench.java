package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.HhForwardWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * BENCHMARKS.md W1 (HH forward), neuron-steps/s = 65536·1000 / (seconds per op).
 * The workload is defined once in {@link HhForwardWorkload} (also run by {@code hhnn bench --workload W1}).
 * Run: {@code ./hhnn jmh HhForwardBench} (add {@code -p backend=reference,cpu} for the same-run ratio).
 */
public class HhForwardBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Param({"1000"})
    public int window;

    @Override protected Workload open() { return new HhForwardWorkload(Backends.get(backend), window); }

    @Benchmark
    public void hhForward() { step(); }
}
