package org.hhnn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: a big-endian magic {@code 0x0000TTDD} with type code TT and
 * DD dimensions, then DD big-endian int sizes, then the data). Only unsigned bytes are supported:
 * {@value #IMAGES_MAGIC} for [count, rows, cols] images and {@value #LABELS_MAGIC} for [count]
 * labels. Gzip is recognised by its magic bytes (0x1f 0x8b), not by the file name, so a
 * decompressed file keeping its ".gz" name (or the reverse) still loads. The file must hold
 * exactly what its header declares: missing or extra bytes are errors, since either means the
 * file is not what it claims to be.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int BUFFER = 1 << 16;

    /**
     * Images as stored: {@code pixels[(i * rows + r) * cols + c]} is the unsigned byte of image i
     * at row r, column c.
     */
    public record IdxImages(int count, int rows, int cols, byte[] pixels) {
        public IdxImages {
            if (count < 0 || rows < 1 || cols < 1 || pixels.length != (long) count * rows * cols) {
                throw new IllegalArgumentException("IdxImages: " + pixels.length + " pixels do not make "
                        + count + " images of " + rows + "x" + cols);
            }
        }

        /** Pixel of image i at (r, c), 0..255. */
        public int pixel(int i, int r, int c) {
            return pixels[(i * rows + r) * cols + c] & 0xff;
        }

        /** All pixels as floats scaled to [0, 1] (divided by 255), same layout as {@link #pixels}. */
        public float[] scaled() {
            float[] out = new float[pixels.length];
            // Converted in chunks through a small method: the JIT compiles it after a few calls,
            // where one 47M-iteration loop would run interpreted until on-stack replacement.
            for (int from = 0; from < out.length; from += 1 << 16) {
                scaleChunk(pixels, out, from, Math.min(out.length, from + (1 << 16)));
            }
            return out;
        }

        private static void scaleChunk(byte[] src, float[] dst, int from, int to) {
            for (int i = from; i < to; i++) {
                dst[i] = SCALE[src[i] & 0xff];
            }
        }
    }

    /** v / 255 for every byte value, so scaling is a table lookup. */
    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALE[v] = v / 255f;
        }
    }

    private IdxReader() {
    }

    public static IdxImages readImages(Path file) {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(file, in, IMAGES_MAGIC);
            int count = dims[0], rows = dims[1], cols = dims[2];
            int imageBytes = rows * cols;
            // readNBytes grows its buffer as data arrives, so a header lying about a huge size
            // cannot make us allocate it before the data runs out.
            byte[] pixels = in.readNBytes(count * imageBytes);
            if (pixels.length < (long) count * imageBytes) {
                int whole = pixels.length / imageBytes;
                int partial = pixels.length % imageBytes;
                throw DataException.of(file, "truncated: header says " + count + " images of " + rows + "x"
                        + cols + " but the file ends after " + whole + " of them"
                        + (partial > 0 ? " and " + partial + " bytes of the next" : ""));
            }
            checkNoTrailing(file, in, count + " images of " + rows + "x" + cols);
            return new IdxImages(count, rows, cols, pixels);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Labels as ints 0..255 (range against a class count is the caller's check). */
    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            int count = readHeader(file, in, LABELS_MAGIC)[0];
            byte[] bytes = in.readNBytes(count);
            if (bytes.length < count) {
                throw DataException.of(file, "truncated: header says " + count
                        + " labels but the file ends after " + bytes.length + " of them");
            }
            checkNoTrailing(file, in, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Opens the file, transparently decompressing it when it starts with the gzip magic. */
    private static InputStream open(Path file) {
        if (Files.isDirectory(file)) {
            throw DataException.of(file, "is a directory, not an IDX file");
        }
        if (!Files.exists(file)) {
            throw DataException.of(file, "no such file");
        }
        InputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return gzip ? new GZIPInputStream(raw, BUFFER) : raw;
        } catch (IOException e) {
            closeQuietly(raw);
            throw ioFailure(file, e);
        }
    }

    private static int[] readHeader(Path file, InputStream in, int expectedMagic) throws IOException {
        byte[] magicBytes = in.readNBytes(4);
        if (magicBytes.length < 4) {
            throw DataException.of(file, "truncated: the file ends after " + magicBytes.length
                    + " bytes, inside the 4-byte IDX magic number");
        }
        int magic = bigEndian(magicBytes, 0);
        if (magic != expectedMagic) {
            throw DataException.of(file, String.format("wrong magic number 0x%08X (%s) where 0x%08X (%s) was expected",
                    magic, describe(magic), expectedMagic, describe(expectedMagic)));
        }
        int ndims = expectedMagic & 0xff;
        byte[] dimBytes = in.readNBytes(4 * ndims);
        if (dimBytes.length < 4 * ndims) {
            throw DataException.of(file, "truncated: the file ends inside the header, which needs " + ndims
                    + " sizes of 4 bytes after the magic number");
        }
        long[] dims = new long[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = Integer.toUnsignedLong(bigEndian(dimBytes, 4 * d));
        }
        String shape = shapeText(dims);
        long total = 1;
        for (long d : dims) {
            if (d == 0) {
                throw DataException.of(file, "header declares an empty shape " + shape);
            }
            total *= d; // cannot overflow: total <= MAX_ELEMENTS and d < 2^32 before each step
            if (total > MAX_ELEMENTS) {
                throw DataException.of(file, "header declares an absurd shape " + shape + ", more than the "
                        + MAX_ELEMENTS + " bytes one Java array holds (a corrupt header?)");
            }
        }
        int[] out = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            out[d] = (int) dims[d];
        }
        return out;
    }

    private static void checkNoTrailing(Path file, InputStream in, String declared) throws IOException {
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw DataException.of(file, extra + (extra == 1 ? " extra byte follows" : " extra bytes follow") + " the " + declared
                    + " the header declares");
        }
    }

    private static DataException ioFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return DataException.of(file, "no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return DataException.of(file, "cannot be read: permission denied", e);
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            // Only GZIPInputStream throws these here: raw reads report a short count instead.
            return DataException.of(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
        return DataException.of(file, "cannot be read: " + e, e);
    }

    private static String describe(int magic) {
        if ((magic >>> 16) != 0) {
            return "not an IDX file";
        }
        int type = (magic >>> 8) & 0xff;
        int ndims = magic & 0xff;
        String typeName = switch (type) {
            case 0x08 -> "unsigned bytes";
            case 0x09 -> "signed bytes";
            case 0x0B -> "shorts";
            case 0x0C -> "ints";
            case 0x0D -> "floats";
            case 0x0E -> "doubles";
            default -> "unknown type 0x" + Integer.toHexString(type);
        };
        String kind = magic == IMAGES_MAGIC ? "IDX images: " : magic == LABELS_MAGIC ? "IDX labels: " : "IDX ";
        return kind + typeName + " in " + ndims + (ndims == 1 ? " dimension" : " dimensions");
    }

    private static String shapeText(long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < dims.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(dims[d]);
        }
        return sb.append(']').toString();
    }

    static int bigEndian(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing with a more useful error
            }
        }
    }
}
