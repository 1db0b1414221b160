package org.hhnn.backend.cuda;

import org.hhnn.backend.LegendreParityCases;
import org.junit.jupiter.api.Nested;

/**
 * The Legendre kernels of kernels/legendre.cu against the reference: the cases of {@link LegendreParityCases} on
 * cuda-emulated and, in {@link OnGpu}, on the real GPU when one is present (skipped otherwise, naming the cause).
 * After each test every scratch allocation must be back with the device.
 * Run: mvn -B -o test -pl java -Dtest='CudaLegendre*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaLegendreParityTest extends LegendreParityCases {

    CudaLegendreParityTest() { super(CudaTarget.emulated()); }

    @Nested class OnGpu extends LegendreParityCases {
        OnGpu() { super(CudaTarget.gpu()); }
    }
}
