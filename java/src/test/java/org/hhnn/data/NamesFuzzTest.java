package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/**
 * NAMES directories as {@link Names#load} reads them: the input split at 0xFF (never UTF-8) into up to four class
 * files; every input loads or is a {@link DataException}.
 */
class NamesFuzzTest {
    @FuzzTest
    void load(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, 4);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) files.put("Class" + i + ".txt", parts.get(i));
        Path dir = ReaderFuzz.dirWith("names", files);
        ReaderFuzz.check(DataException.class, data.length, () -> Names.load(dir));
    }
}
