package org.hhnn.bench;

import java.util.concurrent.TimeUnit;
import org.hhnn.workload.Workload;
import org.hhnn.workload.Workloads;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every benchmark here shares: the JMH settings (average time in ms, 2 warm-up and 5 measured iterations of 2 s,
 * one fork; a subclass's own annotation wins), one workload built per trial from the subclass's @Param values and
 * closed after it, and one op = one {@link Workload#run()}. Subclasses hold the @Params and the named @Benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class WorkloadBench {
    private Workload w;

    /** The workload for this trial's parameters. */
    protected abstract Workload open();

    @Setup(Level.Trial)
    public void setup() { w = open(); }

    @TearDown(Level.Trial)
    public void tearDown() { w.close(); }

    /** One op: the body of the subclass's @Benchmark method. */
    protected final void step() { Workloads.runToCompletion(w); }
}
