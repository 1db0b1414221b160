package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.hhnn.backend.Backend;
import org.hhnn.backend.ConvParityCases;
import org.junit.jupiter.api.Nested;

/**
 * The kernels of kernels/conv.cu against the reference: the cases of {@link ConvParityCases} on cuda-emulated (the
 * kernels compiled for the host) and, in {@link OnGpu}, on the real GPU when one is present (skipped otherwise, naming
 * the cause). After each test every scratch allocation (batch norm's sums) must be back with the device.
 * Run: mvn -B -o test -pl java -Dtest='CudaConv*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaConvParityTest extends ConvParityCases {

    private CudaBackend dev;
    private long liveBefore;

    private Backend track(CudaBackend b) {
        dev = b;
        liveBefore = ((AbstractDevice) b.device()).liveBytes();
        return b;
    }

    @Override protected Backend fast() { return track(CudaEmulatedParityTest.open("cuda-emulated")); }

    @Override protected void afterBuffersFreed() {
        if (dev != null) assertEquals(liveBefore, ((AbstractDevice) dev.device()).liveBytes(), "device bytes still allocated after the test (a leaked temporary)");
    }

    @Nested class OnGpu extends ConvParityCases {
        @Override protected Backend fast() {
            assumeTrue(CudaBackend.isAvailable(), "no real GPU here: " + CudaBackend.unavailabilityCause());
            return CudaBackend.get();
        }
    }
}
