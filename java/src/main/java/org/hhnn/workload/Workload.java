package org.hhnn.workload;

/**
 * A benchmark workload, defined once and run by both the JMH benchmarks in bench/ and
 * {@code hhnn bench}: {@link #run()} does one unit of work of size {@link #workPerRun()},
 * measured in {@link #unit()}.
 */
public interface Workload extends AutoCloseable {
    String name();
    /** e.g. "GFLOP/s", "neuron-steps/s". */
    String unit();
    /** Amount of work one run() does, in the unit's numerator (FLOPs, neuron-steps...). */
    double workPerRun();
    /** One repetition; must finish all of its work before returning. */
    void run();
    @Override void close();
}
