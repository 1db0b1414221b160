package org.hhnn.train;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes a TensorBoard event file ({@code events.out.tfevents.<seconds>.<host>}): scalars and histograms that
 * {@code tensorboard --logdir} shows. Each record is TFRecord-framed,
 * <pre>u64 length | u32 masked CRC32C(length) | data | u32 masked CRC32C(data)</pre>
 * (little-endian), and its data is a serialized {@code tensorflow.Event} written field by field:
 * wall_time (1, double), step (2, int64), file_version (3, string) or summary (5): Summary.value (1) with
 * tag (1), simple_value (2, float) or histo (5: HistogramProto min 1, max 2, num 3, sum 4, sum_squares 5,
 * bucket_limit 6 and bucket 7 packed doubles). Flushed after each epoch's records by the caller; not thread-safe.
 */
public final class TensorBoardWriter implements Closeable {
    /** Buckets of a histogram: equal widths between its smallest and largest value. */
    static final int HISTOGRAM_BUCKETS = 30;

    private final Path file;
    private final OutputStream out;

    private TensorBoardWriter(Path file) throws IOException {
        this.file = file;
        this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file));
        writeEvent(System.currentTimeMillis() / 1000.0, 0, e -> e.writeString(3, "brain.Event:2"));
    }

    /** Creates {@code dir} if needed and a new event file in it. */
    public static TensorBoardWriter open(Path dir) {
        try {
            Files.createDirectories(dir);
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            Path f = dir.resolve("events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host);
            for (int i = 1; Files.exists(f); i++) f = dir.resolve("events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host + "." + i);
            return new TensorBoardWriter(f);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a TensorBoard event file in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path file() { return file; }

    /** One scalar at a step (a NaN is written as NaN; TensorBoard shows a gap). */
    public void scalar(String tag, long step, double value) {
        write(step, v -> {
            v.writeString(1, tag);
            v.writeFloat(2, (float) value);
        });
    }

    /** A histogram of {@code values} at a step; non-finite values are left out. */
    public void histogram(String tag, long step, float[] values) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sq = 0;
        long n = 0;
        for (float x : values) {
            if (!Float.isFinite(x)) continue;
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
            sq += (double) x * x;
            n++;
        }
        if (n == 0) return;
        int k = max > min ? HISTOGRAM_BUCKETS : 1;
        double[] limits = new double[k], counts = new double[k];
        double width = (max - min) / k;
        for (int i = 0; i < k; i++) limits[i] = i == k - 1 ? max : min + width * (i + 1);
        for (float x : values) {
            if (!Float.isFinite(x)) continue;
            // TensorBoard's bucket i holds (limit[i-1], limit[i]]: the first limit at or above x.
            int b = java.util.Arrays.binarySearch(limits, x);
            counts[b >= 0 ? b : -b - 1]++;
        }
        final double fmin = min, fmax = max, fsum = sum, fsq = sq, fn = n;
        write(step, v -> {
            v.writeString(1, tag);
            v.writeBytes(5, message(h -> {
                h.writeDouble(1, fmin);
                h.writeDouble(2, fmax);
                h.writeDouble(3, fn);
                h.writeDouble(4, fsum);
                h.writeDouble(5, fsq);
                packed(h, 6, limits);
                packed(h, 7, counts);
            }));
        });
    }

    /** Pushes buffered records to the file, so a running TensorBoard sees them. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private interface Fields {
        void write(CodedOutputStream o) throws IOException;
    }

    private static com.google.protobuf.ByteString message(Fields f) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        f.write(o);
        o.flush();
        return com.google.protobuf.ByteString.copyFrom(b.toByteArray());
    }

    private static void packed(CodedOutputStream o, int field, double[] xs) throws IOException {
        o.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(8 * xs.length);
        for (double x : xs) o.writeDoubleNoTag(x);
    }

    /** An event at {@code step} whose summary holds one value with the given fields. */
    private void write(long step, Fields value) {
        writeEvent(System.currentTimeMillis() / 1000.0, step, e -> e.writeBytes(5, message(s -> s.writeBytes(1, message(value)))));
    }

    private void writeEvent(double wallTime, long step, Fields rest) {
        try {
            byte[] data = message(e -> {
                e.writeDouble(1, wallTime);
                e.writeInt64(2, step);
                rest.write(e);
            }).toByteArray();
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(data.length);
            head.putInt(maskedCrc(head.array(), 0, 8));
            out.write(head.array());
            out.write(data);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data, 0, data.length)).array());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant. */
    static int maskedCrc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }
}
