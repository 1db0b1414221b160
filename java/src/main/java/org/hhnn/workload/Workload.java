package org.hhnn.workload;

import org.hhnn.backend.Backend;

/**
 * A benchmark workload, defined once and run by both the JMH benchmarks in bench/ and
 * {@code hhnn bench}: {@link #run()} does one unit of work of size {@link #workPerRun()},
 * measured in {@link #unit()}. Timers call {@link Workloads#runToCompletion}, which also waits for
 * the backend (cuda's kernels are still running when run() returns).
 */
public interface Workload extends AutoCloseable {
    String name();
    /** e.g. "GFLOP/s", "neuron-steps/s". */
    String unit();
    /** Amount of work one run() does, in the unit's numerator (FLOPs, neuron-steps...). */
    double workPerRun();
    /** One repetition: queues all of its work on {@link #backend()}. */
    void run();
    /** The backend the work runs on. */
    Backend backend();
    @Override void close();
}
