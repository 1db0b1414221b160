package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/**
 * SST-2 directories as {@link Sst2#load} reads them: the input split at 0xFF (never UTF-8) into train.tsv, dev.tsv
 * and test.tsv (a part the input lacks is a missing file); every input loads or is a {@link DataException}.
 */
class Sst2FuzzTest {
    private static final String[] FILES = {"train.tsv", "dev.tsv", "test.tsv"};

    @FuzzTest
    void load(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, FILES.length);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) files.put(FILES[i], parts.get(i));
        Path dir = ReaderFuzz.dirWith("sst2", files);
        ReaderFuzz.check(DataException.class, data.length, () -> Sst2.load(dir));
    }
}
