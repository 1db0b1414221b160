package org.hhnn.bench;

import org.hhnn.backend.Backends;
import org.hhnn.workload.LstmTrainWorkload;
import org.hhnn.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * BENCHMARKS.md W3 (LSTM training steps, Simple- and Advanced-LSTM, vanilla and modulated); one op = one training
 * step, so sequences/s = batch (32 Simple, 5 Advanced) / (seconds per op). The workload is defined once in
 * {@link LstmTrainWorkload} (also {@code hhnn bench --workload W3-simple-mod} etc.).
 * Run: {@code ./hhnn jmh LstmTrainBench} (e.g. {@code -p config=simple -p modulated=false,true}).
 */
public class LstmTrainBench extends WorkloadBench {
    @Param({"cpu"})
    public String backend;

    @Param({"simple", "advanced"})
    public String config;

    @Param({"false", "true"})
    public boolean modulated;

    @Override protected Workload open() { return new LstmTrainWorkload(Backends.get(backend), config.equals("advanced"), modulated, 1); }

    @Benchmark
    public void lstmTrainStep() { step(); }
}
