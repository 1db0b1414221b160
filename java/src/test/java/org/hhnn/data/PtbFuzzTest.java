package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;

/**
 * Penn Treebank folders as {@link Ptb#load} reads them: the input split at 0xFF (never UTF-8) into ptb.train.txt,
 * ptb.valid.txt and ptb.test.txt (a part the input lacks is a missing file); every input loads or is a
 * {@link DataException}.
 */
class PtbFuzzTest {
    @FuzzTest
    void load(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, Ptb.FILES.length);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) files.put(Ptb.FILES[i], parts.get(i));
        Path dir = ReaderFuzz.dirWith("ptb", files);
        ReaderFuzz.check(DataException.class, data.length, () -> Ptb.load(dir));
    }
}
