/** Benchmark workloads shared by the JMH benchmarks (bench/) and {@code hhnn bench}. */
package org.hhnn.workload;
