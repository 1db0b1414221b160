package org.hhnn.backend;

/**
 * A fast backend for the parity cases to test: how to open it (skipping the test, with the reason, where it cannot run
 * here) and what to check once a test's buffers are freed. One instance per test: it may remember what it saw on open.
 * Implemented by cpu.CpuTarget and cuda.CudaTarget.
 */
public interface ParityTarget {
    /** The backend under test, or an aborted assumption naming why it cannot run here. */
    Backend open();

    /** Called after the test freed its buffers (the cuda target checks that no scratch allocation leaked). */
    default void afterBuffersFreed() {}
}
