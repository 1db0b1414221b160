package org.hhnn.backend.cuda;

import org.hhnn.backend.HhParityCases;
import org.junit.jupiter.api.Nested;

/**
 * The HH window of kernels/hh.cu against the reference: the cases of {@link HhParityCases} on cuda-emulated and, in
 * {@link OnGpu}, on the real GPU when one is present (skipped otherwise, naming the cause). After each test every
 * scratch allocation must be back with the device.
 * Run: mvn -B -o test -pl java -Dtest='CudaHh*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaHhParityTest extends HhParityCases {

    CudaHhParityTest() { super(CudaTarget.emulated()); }

    @Nested class OnGpu extends HhParityCases {
        OnGpu() { super(CudaTarget.gpu()); }

        /** expf and FMA instead of the host's exp: a voltage within rounding of the threshold may count one spike off. */
        @Override protected boolean spikeCountsExact() { return false; }
    }
}
