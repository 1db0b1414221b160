package org.hhnn.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/** A run's run.json as {@link RunRecord#read} reads it (eval and info show it): every input loads or is a {@link CheckpointException}. */
class RunRecordFuzzTest {
    @FuzzTest
    void read(byte[] data) throws Exception {
        Path file = ReaderFuzz.dirWith("run-record", Map.of(RunRecord.FILE, data)).resolve(RunRecord.FILE);
        ReaderFuzz.check(CheckpointException.class, data.length, () -> RunRecord.read(file));
    }
}
