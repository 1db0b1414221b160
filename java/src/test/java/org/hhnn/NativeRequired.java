package org.hhnn;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.backend.cuda.CudaBackend;

/**
 * For a test that needs the native library: it fails, naming the cause, when the library does not load, and is
 * skipped only when the build skipped the native part on purpose ({@code -Dhhnn.skipNative=true}), so a broken build
 * never passes silently.
 */
public final class NativeRequired {
    private NativeRequired() {}

    private static boolean skippedOnPurpose() { return Boolean.getBoolean("hhnn.skipNative"); }

    /** The cpu backend. */
    public static void cpu() {
        assumeFalse(!CpuBackend.isAvailable() && skippedOnPurpose(), "native build skipped (-Dhhnn.skipNative=true)");
        if (!CpuBackend.isAvailable()) fail(CpuBackend.unavailabilityCause());
    }

    /** The emulated CUDA device (the kernels compiled for the host, in the same library). */
    public static void cudaEmulated() {
        assumeFalse(!CudaBackend.isEmulatedAvailable() && skippedOnPurpose(), "native build skipped (-Dhhnn.skipNative=true)");
        if (!CudaBackend.isEmulatedAvailable()) fail(CudaBackend.emulatedUnavailabilityCause());
    }
}
