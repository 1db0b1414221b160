package org.hhnn.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/** safetensors files as {@link Safetensors#read} reads them: every input loads or is a {@link CheckpointException}. */
class SafetensorsFuzzTest {
    @FuzzTest
    void read(byte[] data) throws Exception {
        Path file = ReaderFuzz.dirWith("safetensors", Map.of("model.safetensors", data)).resolve("model.safetensors");
        ReaderFuzz.check(CheckpointException.class, data.length, () -> Safetensors.read(file));
    }
}
