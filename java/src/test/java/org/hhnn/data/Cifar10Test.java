package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 binary reader on generated batch files (no real CIFAR-10 here). */
class Cifar10Test {
    @TempDir Path tmp;

    /** n records; record i has label (first + i) % 10 and pixel j = (i + j) % 256. */
    static byte[] records(int n, int first) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) ((first + i) % 10);
            for (int j = 0; j < Cifar10.PIXELS; j++) b[i * Cifar10.RECORD + 1 + j] = (byte) ((i + j) % 256);
        }
        return b;
    }

    private void writeAll() throws Exception {
        for (int f = 1; f <= 5; f++) Files.write(tmp.resolve("data_batch_" + f + ".bin"), records(f, f));
        Files.write(tmp.resolve("test_batch.bin"), records(3, 7));
    }

    @Test void readsBatchesInOrder() throws Exception {
        writeAll();
        Dataset train = Cifar10.train(tmp), test = Cifar10.test(tmp);
        assertEquals(1 + 2 + 3 + 4 + 5, train.size());
        assertArrayEquals(new int[] {3, 32, 32}, train.featureShape());
        assertArrayEquals(new int[] {1, 2, 3, 3, 4, 5, 4, 5, 6, 7}, java.util.Arrays.copyOf(train.y(), 10));
        assertArrayEquals(new int[] {7, 8, 9}, test.y());
        assertEquals("airplane", test.classNames()[0]);
        // Test record 2: pixel j is (2 + j) % 256; channel 1 (green) starts at 1024.
        float[] x = test.x();
        assertEquals(2 / 255f, x[2 * Cifar10.PIXELS], 0f);
        assertEquals(((2 + 1024 + 33) % 256) / 255f, x[2 * Cifar10.PIXELS + 1024 + 33], 0f);
        DataSets.TrainTest tt = DataSets.load("cifar10", tmp);
        assertEquals(15, tt.train().size());
    }

    @Test void badFiles() throws Exception {
        writeAll();
        byte[] cut = java.util.Arrays.copyOf(records(2, 0), Cifar10.RECORD + 100);
        Files.write(tmp.resolve("data_batch_3.bin"), cut);
        DataException e = assertThrows(DataException.class, () -> Cifar10.train(tmp));
        assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("not a whole number"), e.getMessage());

        Files.write(tmp.resolve("data_batch_3.bin"), new byte[(Cifar10.MAX_RECORDS + 1) * Cifar10.RECORD]);
        e = assertThrows(DataException.class, () -> Cifar10.train(tmp));
        assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("10001 records"), e.getMessage());

        byte[] bad = records(3, 0);
        bad[2 * Cifar10.RECORD] = 10;
        Files.write(tmp.resolve("test_batch.bin"), bad);
        e = assertThrows(DataException.class, () -> Cifar10.test(tmp));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("record 2")
                && e.getMessage().contains("label 10"), e.getMessage());

        Files.write(tmp.resolve("test_batch.bin"), new byte[0]);
        e = assertThrows(DataException.class, () -> Cifar10.test(tmp));
        assertTrue(e.getMessage().contains("is 0 bytes"), e.getMessage());

        Files.write(tmp.resolve("data_batch_3.bin"), records(3, 3));
        Files.delete(tmp.resolve("data_batch_5.bin"));
        e = assertThrows(DataException.class, () -> Cifar10.train(tmp));
        assertTrue(e.getMessage().contains("data_batch_5.bin") && e.getMessage().contains("no such file"), e.getMessage());
        e = assertThrows(DataException.class, () -> Cifar10.train(tmp.resolve("missing")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
