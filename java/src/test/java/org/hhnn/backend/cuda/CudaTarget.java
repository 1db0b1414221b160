package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Supplier;
import org.hhnn.NativeRequired;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ParityTarget;

/**
 * A cuda backend as the parity cases' target: cuda-emulated (the kernels of kernels/*.cu compiled for the host), always
 * run, or the real GPU, skipped naming the cause where there is none. After each test every scratch allocation must
 * be back with the device (no leaks in the backend's temporaries).
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
            assumeTrue(CudaBackend.isAvailable(), "no real GPU here: " + CudaBackend.unavailabilityCause());
            backend = CudaBackend.get();
        } else {
            NativeRequired.cudaEmulated();
            backend = emulatedVariant.get();
        }
        liveBefore = liveBytes();
        return backend;
    }

    @Override public void afterBuffersFreed() {
        if (backend != null) assertEquals(liveBefore, liveBytes(), "device bytes still allocated after the test (a leaked temporary)");
    }

    private long liveBytes() { return ((AbstractDevice) backend.device()).liveBytes(); }
}
