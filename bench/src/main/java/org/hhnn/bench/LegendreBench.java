package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.LegendreWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * BENCHMARKS.md W5 (Legendre activation forward + backward), elements/s = 4096·1024 / (seconds per op).
 * The workload is defined once in {@link LegendreWorkload} (also run by {@code hhnn bench --workload W5}).
 * Run: {@code ./hhnn jmh LegendreBench} (add {@code -p backend=reference,cpu} for the same-run ratio).
 */
public class LegendreBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Override protected Workload open() { return new LegendreWorkload(Backends.get(backend)); }

    @Benchmark
    public void legendreForwardBackward() { step(); }
}
