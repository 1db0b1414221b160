package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.hhnn.backend.Backend;
import org.hhnn.backend.ParityTarget;

/** The cpu backend as the parity cases' target. */
final class CpuTarget implements ParityTarget {
    @Override public Backend open() {
        // Only a build that skipped the native library on purpose may skip these tests.
        assumeFalse(!CpuBackend.isAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
        if (!CpuBackend.isAvailable()) fail(CpuBackend.unavailabilityCause());
        return CpuBackend.get();
    }
}
