package org.hhnn.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files that {@link IdxReader} reads back: unsigned-byte images [count, rows, cols]
 * and labels [count], raw or gzip-compressed. Handy for building tiny data sets by hand or in tests.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    public static void writeImages(Path file, IdxReader.IdxImages images, boolean gzip) {
        writeImages(file, images.count(), images.rows(), images.cols(), images.pixels(), gzip);
    }

    /** {@code pixels[(i * rows + r) * cols + c]} is image i at (r, c), read as an unsigned byte. */
    public static void writeImages(Path file, int count, int rows, int cols, byte[] pixels, boolean gzip) {
        if (count < 1 || rows < 1 || cols < 1 || pixels.length != (long) count * rows * cols) {
            throw DataException.of(file, "cannot write " + pixels.length + " pixels as " + count + " images of "
                    + rows + "x" + cols);
        }
        write(file, IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels, gzip);
    }

    /** Labels must be 0..255, the range of the format's unsigned bytes. */
    public static void writeLabels(Path file, int[] labels, boolean gzip) {
        if (labels.length == 0) {
            throw DataException.of(file, "cannot write an empty label file");
        }
        byte[] bytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw DataException.of(file, "label " + labels[i] + " at index " + i
                        + " does not fit the unsigned byte (0..255) of an IDX label file");
            }
            bytes[i] = (byte) labels[i];
        }
        write(file, IdxReader.LABELS_MAGIC, new int[] {labels.length}, bytes, gzip);
    }

    private static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip) {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
                DataOutputStream out = new DataOutputStream(sink)) {
            out.writeInt(magic); // DataOutputStream is big-endian, as IDX requires
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        } catch (IOException e) {
            throw DataException.of(file, "cannot be written: " + e, e);
        }
    }
}
