package org.hhnn.backend.cuda;

import org.hhnn.backend.ModulatedParityCases;
import org.junit.jupiter.api.Nested;

/**
 * The cuda backend's part-B kernels (kernels/modact.cu, lstm.cu, embedding.cu) against the reference, forward and
 * backward: the cases of {@link ModulatedParityCases} on cuda-emulated always and, in {@link OnGpu}, on the real GPU
 * when there is one (skipped otherwise, naming why). After each test every scratch allocation (ids, their grouping)
 * must be back on the device.
 * Run: mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaModulatedParityTest extends ModulatedParityCases {

    CudaModulatedParityTest() { super(CudaTarget.emulated()); }

    @Nested class OnGpu extends ModulatedParityCases {
        OnGpu() { super(CudaTarget.gpu()); }
    }
}
