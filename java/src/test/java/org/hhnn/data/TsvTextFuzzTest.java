package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/**
 * Your own label&lt;TAB&gt;text files as {@code --dataset tsv} reads them ({@link TsvText}): an input without 0xFF
 * (never UTF-8) is one file; with one, it is split into a folder's train.tsv and test.tsv. Every input loads or is
 * a {@link DataException}.
 */
class TsvTextFuzzTest {
    @FuzzTest
    void load(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, 2);
        Path path = parts.size() == 1
                ? ReaderFuzz.dirWith("tsv", Map.of("data.tsv", data)).resolve("data.tsv")
                : ReaderFuzz.dirWith("tsv", Map.of("train.tsv", parts.get(0), "test.tsv", parts.get(1)));
        ReaderFuzz.check(DataException.class, data.length, () -> TsvText.load(path));
    }
}
