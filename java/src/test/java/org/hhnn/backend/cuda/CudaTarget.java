package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.function.Supplier;
import org.hhnn.backend.Backend;
import org.hhnn.backend.BackendUnavailableException;
import org.hhnn.backend.ParityTarget;

/**
 * A cuda backend as the parity cases' target: cuda-emulated (the kernels of kernels/*.cu compiled for the host), or
 * {@link #gpu()}: JCudaDevice on the real GPU where one works, else JCudaDevice over the host CUDA driver
 * ({@link HostDriver}: the same JCuda calls, served on the CPU and checked), so the GPU runners never skip. After each
 * test every scratch allocation must be back with the device (no leaks in the backend's temporaries).
 */
final class CudaTarget implements ParityTarget {
    private final boolean gpu;
    private final Supplier<CudaBackend> emulatedVariant;
    private CudaBackend backend;
    private long liveBefore;

    private CudaTarget(boolean gpu, Supplier<CudaBackend> emulatedVariant) {
        this.gpu = gpu;
        this.emulatedVariant = emulatedVariant;
    }

    static CudaTarget emulated() { return new CudaTarget(false, CudaBackend::emulated); }

    /** A backend on a variant of the emulated device (e.g. one without cuBLAS). */
    static CudaTarget emulated(Supplier<CudaBackend> variant) { return new CudaTarget(false, variant); }

    static CudaTarget gpu() { return new CudaTarget(true, null); }

    @Override public Backend open() {
        if (gpu) {
            backend = gpuOrHostDriver();
        } else {
            // Only a build that skipped the native library on purpose may skip the emulated backend.
            assumeFalse(!CudaBackend.isEmulatedAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
            if (!CudaBackend.isEmulatedAvailable()) fail(CudaBackend.emulatedUnavailabilityCause());
            backend = emulatedVariant.get();
        }
        liveBefore = liveBytes();
        return backend;
    }

    /** JCudaDevice: on the real GPU when one works, else over the host driver (only a build without native code skips). */
    static CudaBackend gpuOrHostDriver() {
        if (CudaBackend.isAvailable()) return CudaBackend.get();
        try {
            return HostDriver.backend();
        } catch (BackendUnavailableException e) {
            assumeFalse(Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
            throw e;
        }
    }

    @Override public void afterBuffersFreed() {
        if (backend != null) assertEquals(liveBefore, liveBytes(), "device bytes still allocated after the test (a leaked temporary)");
    }

    private long liveBytes() { return ((AbstractDevice) backend.device()).liveBytes(); }
}
