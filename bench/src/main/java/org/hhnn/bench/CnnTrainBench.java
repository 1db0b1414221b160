package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.CnnTrainWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BENCHMARKS.md W4 (CNN training on 28×28×1 images, batch 128, Adam 1e-3, vanilla and modulated); one op = one
 * training step, so images/s = 128 / (seconds per op). The workload is defined once in {@link CnnTrainWorkload}
 * (also {@code hhnn bench --workload W4} / {@code W4-mod}).
 * Run: {@code ./hhnn jmh CnnTrainBench} (e.g. {@code -p modulated=false,true}).
 */
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class CnnTrainBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Param({"false", "true"})
    public boolean modulated;

    @Override protected Workload open() { return new CnnTrainWorkload(Backends.get(backend), modulated, 1); }

    @Benchmark
    public void cnnTrainStep() { step(); }
}
