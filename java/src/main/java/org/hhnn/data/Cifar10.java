package org.hhnn.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CIFAR-10 in its binary distribution ({@code cifar-10-batches-bin}): {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin} for training and {@code test_batch.bin}, each a sequence of records of
 * one label byte (0..9) and 3072 pixel bytes: the 1024 red values of the 32x32 image row by row,
 * then green, then blue. That is channel-major already, so items have feature shape {3, 32, 32}
 * as stored; pixels are scaled to [0, 1].
 */
public final class Cifar10 {
    public static final int SIDE = 32;
    public static final int PIXELS = 3 * SIDE * SIDE;
    public static final int RECORD = 1 + PIXELS;
    /** Records per file in the distribution; a file holding more is not a CIFAR-10 batch. */
    public static final int MAX_RECORDS = 10_000;
    public static final int TRAIN_FILES = 5;
    public static final String[] CLASS_NAMES = {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

    private Cifar10() {}

    /** The five training batches in order. */
    public static Dataset train(Path dir) {
        checkDir(dir);
        Dataset[] parts = new Dataset[TRAIN_FILES];
        int total = 0;
        for (int i = 0; i < TRAIN_FILES; i++) {
            parts[i] = read(dir.resolve("data_batch_" + (i + 1) + ".bin"));
            total += parts[i].size();
        }
        float[] x = new float[total * PIXELS];
        int[] y = new int[total];
        int at = 0;
        for (Dataset p : parts) {
            System.arraycopy(p.x(), 0, x, at * PIXELS, p.size() * PIXELS);
            System.arraycopy(p.y(), 0, y, at, p.size());
            at += p.size();
        }
        return new Dataset("cifar10/train", x, y, new int[] {3, SIDE, SIDE}, CLASS_NAMES.length, CLASS_NAMES);
    }

    public static Dataset test(Path dir) {
        checkDir(dir);
        return read(dir.resolve("test_batch.bin"));
    }

    /** One batch file. */
    public static Dataset read(Path file) {
        byte[] bytes = DataFiles.readAllBytes(file, "no such file in the CIFAR-10 directory");
        if (bytes.length == 0 || bytes.length % RECORD != 0) {
            throw DataException.of(file, "is " + bytes.length + " bytes, not a whole number of " + RECORD
                    + "-byte CIFAR-10 records (truncated or not CIFAR-10; the last record has "
                    + bytes.length % RECORD + " bytes)");
        }
        int n = bytes.length / RECORD;
        if (n > MAX_RECORDS) {
            throw DataException.of(file, "holds " + n + " records, more than the " + MAX_RECORDS
                    + " of a CIFAR-10 batch file (CIFAR-100's 2-label format is not CIFAR-10)");
        }
        float[] x = new float[n * PIXELS];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int off = i * RECORD;
            y[i] = bytes[off] & 0xFF;
            if (y[i] >= CLASS_NAMES.length) {
                throw DataException.of(file, "record " + i + " (byte offset " + off + ") has label " + y[i]
                        + ", outside 0.." + (CLASS_NAMES.length - 1));
            }
            for (int j = 0; j < PIXELS; j++) {
                x[i * PIXELS + j] = (bytes[off + 1 + j] & 0xFF) / 255f;
            }
        }
        return new Dataset("cifar10/" + file.getFileName(), x, y, new int[] {3, SIDE, SIDE}, CLASS_NAMES.length,
                CLASS_NAMES);
    }

    private static void checkDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("CIFAR-10 directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + "; it should hold data_batch_1..5.bin and test_batch.bin (cifar-10-batches-bin), given with --data DIR");
        }
    }
}
