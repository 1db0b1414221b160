package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/** CIFAR-10 batch files as {@link Cifar10#read} reads them: every input loads or is a {@link DataException}. */
class Cifar10FuzzTest {
    @FuzzTest
    void read(byte[] data) throws Exception {
        Path file = ReaderFuzz.dirWith("cifar10", Map.of("data_batch_1.bin", data)).resolve("data_batch_1.bin");
        ReaderFuzz.check(DataException.class, data.length, () -> Cifar10.read(file));
    }
}
