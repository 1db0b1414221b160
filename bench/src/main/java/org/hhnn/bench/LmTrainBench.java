package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.LmTrainWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * BENCHMARKS.md W6 (word-level language-model training steps, the small AWD-LSTM shape, vanilla and modulated); one op
 * = one training window, so tokens/s = 20·35 / (seconds per op). The workload is defined once in
 * {@link LmTrainWorkload} (also {@code hhnn bench --workload W6|W6-mod}).
 * Run: {@code ./hhnn jmh LmTrainBench} (e.g. {@code -p modulated=false,true}).
 */
public class LmTrainBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Param({"false", "true"})
    public boolean modulated;

    @Override protected Workload open() { return new LmTrainWorkload(Backends.get(backend), modulated, 1); }

    @Benchmark
    public void lmTrainStep() { step(); }
}
