package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CsvData}'s class labels (the CLI paths are in PredictAndCsvTest, hostile bytes in CsvDataFuzzTest). */
class CsvDataTest {
    @TempDir Path tmp;

    /** Numbers first in numeric order ("1" and "1.0" two classes), then the other labels in text order. */
    @Test void classesSortNumbersThenText() throws Exception {
        Path f = tmp.resolve("t.csv");
        Files.writeString(f, "a,label\n1,cat\n2,10\n3,2\n4,1.0\n5,1\n6,ant\n7,2\n");
        assertArrayEquals(new String[] {"1", "1.0", "2", "10", "ant", "cat"}, CsvData.load(f).train().classNames());
    }

    /**
     * Each distinct label is parsed once. The fuzzer found the label sort parsing inside its comparator, a
     * NumberFormatException (with its stack trace) per comparison of a text label: a table of text labels then cost
     * several times the allocation of the same table with numeric labels (4.6 MB for a 715-byte input).
     */
    @Test void textLabelsCostNoMoreThanNumericOnes() throws Exception {
        StringBuilder text = new StringBuilder("a,label\n"), num = new StringBuilder("a,label\n");
        for (int i = 0; i < 4000; i++) {
            text.append(i % 10).append(",c").append(i % 3).append('\n');
            num.append(i % 10).append(",1").append(i % 3).append('\n');
        }
        Path t = tmp.resolve("text.csv"), n = tmp.resolve("num.csv");
        Files.writeString(t, text);
        Files.writeString(n, num);
        long textBytes = Long.MAX_VALUE, numBytes = Long.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {   // the least of three: class loading and JIT warm-up are not the reader's
            textBytes = Math.min(textBytes, allocated(t));
            numBytes = Math.min(numBytes, allocated(n));
        }
        // Same bytes a row but for the label's letter; the old comparator made it about 5x.
        assertTrue(textBytes < 1.5 * numBytes, "text labels allocated " + textBytes + " bytes, numeric ones " + numBytes);
    }

    private static long allocated(Path f) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadAllocatedBytes();
        CsvData.load(f);
        return mx.getCurrentThreadAllocatedBytes() - t0;
    }
}
