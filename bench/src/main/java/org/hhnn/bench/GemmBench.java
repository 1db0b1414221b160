package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.GemmWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * sgemm n³ on each backend (one JMH run holds both, so the ratio is same-run).
 * GFLOP/s = 2n³ / (seconds per op) / 1e9. Run: {@code ./hhnn jmh GemmBench}.
 */
public class GemmBench extends WorkloadBench {
    @Param({"reference", "cpu"})
    public String backend;

    @Param({"1024"})
    public int n;

    @Override protected Workload open() { return new GemmWorkload(Backends.get(backend), n); }

    @Benchmark
    public void gemm() { step(); }
}
