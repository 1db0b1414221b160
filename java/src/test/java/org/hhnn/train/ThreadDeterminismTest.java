package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.stream.Stream;
import org.hhnn.backend.Backend;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.data.DataSets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN.md's promise: on the cpu backend a training run gives the same bits with 1 and 2 threads, per model family. */
class ThreadDeterminismTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static Stream<Arguments> cases() { return Families.cases("cpu"); }

    @ParameterizedTest(name = "{1}") @MethodSource("cases")
    void oneAndTwoThreadsGiveTheSameBits(String backendName, String model) {
        Backend cpu = Families.backend(backendName);
        DataSets.TrainTest data = Families.data(model);
        int before = CpuBackend.threads();
        try {
            CpuBackend.setThreads(1);
            TrainingRun.Result one = new TrainingRun(Families.config(model), cpu).data(data).log(QUIET).run();
            CpuBackend.setThreads(2);
            assertEquals(2, CpuBackend.threads());
            TrainingRun.Result two = new TrainingRun(Families.config(model), cpu).data(data).log(QUIET).run();
            ExactResumeTest.assertSameRun(one, two, model + " with 1 and 2 threads");
        } finally {
            CpuBackend.setThreads(before);
        }
    }
}
