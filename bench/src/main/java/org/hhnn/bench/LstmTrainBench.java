package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.backend.Backends;
import org.hhnn.workload.LstmTrainWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BENCHMARKS.md W3 (LSTM training steps, Simple- and Advanced-LSTM, vanilla and modulated); one op = one training
 * step, so sequences/s = batch (32 Simple, 5 Advanced) / (seconds per op). The workload is defined once in
 * {@link LstmTrainWorkload} (also {@code hhnn bench --workload W3-simple-mod} etc.).
 * Run: {@code ./hhnn jmh LstmTrainBench} (e.g. {@code -p config=simple -p modulated=false,true}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LstmTrainBench {
    @Param({"cpu"})
    public String backend;

    @Param({"simple", "advanced"})
    public String config;

    @Param({"false", "true"})
    public boolean modulated;

    private LstmTrainWorkload w;

    @Setup(Level.Trial)
    public void setup() { w = new LstmTrainWorkload(Backends.get(backend), config.equals("advanced"), modulated, 1); }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    @Benchmark
    public void lstmTrainStep() { w.run(); }
}
