package org.hhnn.backend.cpu;

import org.hhnn.backend.ModulatedParityCases;

/**
 * The cpu backend's part-B primitives (native/cpu_modact.cpp, cpu_lstm.cpp, cpu_embedding.cpp over kernels/modact.cuh,
 * lstm.cuh) against the reference (ReferenceModulated), forward and backward: the cases of {@link ModulatedParityCases}.
 * Run: mvn -B -o test -pl java -Dtest=ModulatedParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ModulatedParityTest extends ModulatedParityCases {
    ModulatedParityTest() { super(new CpuTarget()); }
}
