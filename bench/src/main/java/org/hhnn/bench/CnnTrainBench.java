package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.backend.Backends;
import org.hhnn.workload.CnnTrainWorkload;
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
 * BENCHMARKS.md W4 (CNN training on 28×28×1 images, batch 128, Adam 1e-3, vanilla and modulated); one op = one
 * training step, so images/s = 128 / (seconds per op). The workload is defined once in {@link CnnTrainWorkload}
 * (also {@code hhnn bench --workload W4} / {@code W4-mod}).
 * Run: {@code ./hhnn jmh CnnTrainBench} (e.g. {@code -p modulated=false,true}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CnnTrainBench {
    @Param({"cpu"})
    public String backend;

    @Param({"false", "true"})
    public boolean modulated;

    private CnnTrainWorkload w;

    @Setup(Level.Trial)
    public void setup() { w = new CnnTrainWorkload(Backends.get(backend), modulated, 1); }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    @Benchmark
    public void cnnTrainStep() { w.run(); }
}
