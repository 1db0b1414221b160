package org.hhnn.backend.cpu;

import org.hhnn.NativeRequired;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ParityTarget;

/** The cpu backend as the parity cases' target. */
final class CpuTarget implements ParityTarget {
    @Override public Backend open() {
        NativeRequired.cpu();
        return CpuBackend.get();
    }
}
