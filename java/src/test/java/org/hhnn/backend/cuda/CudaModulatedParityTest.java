package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.hhnn.backend.ModulatedParityChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cuda backend's part-B kernels (kernels/modact.cu, lstm.cu, embedding.cu) against the reference, forward and
 * backward, through {@link ModulatedParityChecks}: on cuda-emulated always, on the real GPU when there is one (skipped
 * otherwise, naming why). After each test every scratch allocation (ids, their grouping) must be back on the device.
 * Run: mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaModulatedParityTest {
    static Stream<String> backends() { return CudaEmulatedParityTest.backends(); }

    private CudaBackend dev;
    private long liveBefore;
    private ModulatedParityChecks checks;

    private ModulatedParityChecks on(String backend) {
        dev = CudaEmulatedParityTest.open(backend);
        liveBefore = ((AbstractDevice) dev.device()).liveBytes();
        return checks = new ModulatedParityChecks(dev, System.nanoTime());
    }

    @AfterEach void freeAndCheckForLeaks() {
        if (checks == null) return;
        checks.close();
        assertEquals(liveBefore, ((AbstractDevice) dev.device()).liveBytes(), "device bytes still allocated after the test (a leaked temporary)");
    }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void modulatedActivationForwardAndBackward(String backend) { on(backend).modAct(); }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void lstmCellForwardAndBackward(String backend) { on(backend).lstmCell(); }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void embeddingForwardAndBackward(String backend) { on(backend).embedding(); }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void scatterAddIsDeterministic(String backend) { on(backend).deterministic(); }

    @ParameterizedTest(name = "{0}") @MethodSource("backends")
    void badArgumentsAreRejectedNamingThePrimitive(String backend) { on(backend).validation(); }
}
