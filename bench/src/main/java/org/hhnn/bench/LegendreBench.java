package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.backend.Backends;
import org.hhnn.workload.LegendreWorkload;
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
 * BENCHMARKS.md W5 (Legendre activation forward + backward), elements/s = 4096·1024 / (seconds per op).
 * The workload is defined once in {@link LegendreWorkload} (also run by {@code hhnn bench --workload W5}).
 * Run: {@code ./hhnn jmh LegendreBench} (add {@code -p backend=reference,cpu} for the same-run ratio).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LegendreBench {
    @Param({"cpu"})
    public String backend;

    private LegendreWorkload w;

    @Setup(Level.Trial)
    public void setup() { w = new LegendreWorkload(Backends.get(backend)); }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    @Benchmark
    public void legendreForwardBackward() { w.run(); }
}
