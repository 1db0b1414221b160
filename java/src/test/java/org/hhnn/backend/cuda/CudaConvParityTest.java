package org.hhnn.backend.cuda;

import org.hhnn.backend.ConvParityCases;
import org.junit.jupiter.api.Nested;

/**
 * The kernels of kernels/conv.cu against the reference: the cases of {@link ConvParityCases} on cuda-emulated (the
 * kernels compiled for the host) and, in {@link OnGpu}, on the real GPU when one is present (skipped otherwise, naming
 * the cause). After each test every scratch allocation (batch norm's sums) must be back with the device.
 * Run: mvn -B -o test -pl java -Dtest='CudaConvParityTest' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaConvParityTest extends ConvParityCases {

    CudaConvParityTest() { super(CudaTarget.emulated()); }

    @Nested class OnGpu extends ConvParityCases {
        OnGpu() { super(CudaTarget.gpu()); }
    }
}
