package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/**
 * CSV tables as {@code --dataset csv} and {@code predict} read them ({@link CsvData}): an input without 0xFF (never
 * UTF-8) is one file, loaded whole and as rows to predict; with one, it is split into a folder's train.csv and
 * test.csv. Every input loads or is a {@link DataException}.
 */
class CsvDataFuzzTest {
    @FuzzTest
    void load(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, 2);
        if (parts.size() == 1) {
            Path file = ReaderFuzz.dirWith("csv", Map.of("data.csv", data)).resolve("data.csv");
            ReaderFuzz.check(DataException.class, data.length, () -> CsvData.load(file));
            ReaderFuzz.check(DataException.class, data.length, () -> CsvData.features(file, 2));
        } else {
            Path dir = ReaderFuzz.dirWith("csv", Map.of("train.csv", parts.get(0), "test.csv", parts.get(1)));
            ReaderFuzz.check(DataException.class, data.length, () -> CsvData.load(dir));
        }
    }
}
