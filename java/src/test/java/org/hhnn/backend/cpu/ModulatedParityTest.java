package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.hhnn.backend.ModulatedParityChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cpu backend's part-B primitives (native/cpu_modact.cpp, cpu_lstm.cpp, cpu_embedding.cpp over kernels/modact.cuh,
 * lstm.cuh) against the reference (ReferenceModulated), forward and backward, through {@link ModulatedParityChecks}.
 * Run: mvn -B -o test -pl java -Dtest=ModulatedParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ModulatedParityTest {
    private static CpuBackend cpu;
    private ModulatedParityChecks checks;

    @BeforeAll static void requireCpuBackend() {
        assumeFalse(!CpuBackend.isAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
        if (!CpuBackend.isAvailable()) fail(CpuBackend.unavailabilityCause());
        cpu = CpuBackend.get();
    }

    private ModulatedParityChecks checks() { return checks = new ModulatedParityChecks(cpu, System.nanoTime()); }

    @AfterEach void free() { if (checks != null) checks.close(); }

    @Test void modulatedActivationForwardAndBackward() { checks().modAct(); }

    @Test void lstmCellForwardAndBackward() { checks().lstmCell(); }

    @Test void embeddingForwardAndBackward() { checks().embedding(); }

    @Test void scatterAddIsDeterministic() { checks().deterministic(); }

    @Test void badArgumentsAreRejectedNamingThePrimitive() { checks().validation(); }
}
