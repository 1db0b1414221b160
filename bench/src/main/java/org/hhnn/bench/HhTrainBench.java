package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.backend.Backends;
import org.hhnn.workload.HhTrainWorkload;
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
 * BENCHMARKS.md W2 (HH layer forward + backward), neuron-steps/s = 32·256·400 / (seconds per op).
 * The workload is defined once in {@link HhTrainWorkload} (also run by {@code hhnn bench --workload W2}).
 * Run: {@code ./hhnn jmh HhTrainBench} (add {@code -p backend=reference,cpu} for the same-run ratio).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HhTrainBench {
    @Param({"cpu"})
    public String backend;

    @Param({"100"})
    public int window;

    /** W2 (batch 32 × 256) or W2-gpu (batch 512 × 1024, BENCHMARKS.md § GPU: run with -p backend=cuda -p shape=W2-gpu). */
    @Param({"W2"})
    public String shape;

    private HhTrainWorkload w;

    @Setup(Level.Trial)
    public void setup() {
        w = shape.equals("W2-gpu")
                ? new HhTrainWorkload(Backends.get(backend), window, HhTrainWorkload.STEPS, HhTrainWorkload.GPU_BATCH, HhTrainWorkload.GPU_NEURONS)
                : new HhTrainWorkload(Backends.get(backend), window);
    }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    @Benchmark
    public void hhTrainStep() { w.run(); }
}
