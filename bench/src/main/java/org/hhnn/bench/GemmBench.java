package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.backend.Backends;
import org.hhnn.workload.GemmWorkload;
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
 * sgemm n³ on each backend (one JMH run holds both, so the ratio is same-run).
 * GFLOP/s = 2n³ / (seconds per op) / 1e9. Run: {@code ./hhnn jmh GemmBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBench {
    @Param({"reference", "cpu"})
    public String backend;

    @Param({"1024"})
    public int n;

    private GemmWorkload w;

    @Setup(Level.Trial)
    public void setup() { w = new GemmWorkload(Backends.get(backend), n); }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    @Benchmark
    public void gemm() { w.run(); }
}
