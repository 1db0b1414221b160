package org.hhnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.hhnn.ReaderFuzz;

/**
 * IDX files (raw or gzipped) as {@link IdxReader} and {@link FashionMnist} read them: every input loads or is a
 * {@link DataException}. Replays {@code IdxReaderFuzzTestInputs/<method>/} in {@code ./hhnn test}; {@code ./hhnn
 * fuzz idx} (or {@code fashion-mnist}) fuzzes.
 */
class IdxReaderFuzzTest {
    /** One file read both as images and as labels (the magic number decides which of the two gets past the header). */
    @FuzzTest
    void idx(byte[] data) throws Exception {
        Path file = ReaderFuzz.dirWith("idx", Map.of("f", data)).resolve("f");
        long payload = payloadBytes(data);
        ReaderFuzz.check(DataException.class, payload, () -> IdxReader.readImages(file));
        ReaderFuzz.check(DataException.class, payload, () -> IdxReader.readLabels(file));
    }

    /** A Fashion-MNIST directory: the input split at its first 0xFF into the images file and the labels file. */
    @FuzzTest
    void fashionMnist(byte[] data) throws Exception {
        List<byte[]> parts = ReaderFuzz.split(data, 2);
        byte[] images = parts.get(0), labels = parts.size() > 1 ? parts.get(1) : new byte[0];
        Path dir = ReaderFuzz.dirWith("fashion-mnist",
                Map.of("train-images-idx3-ubyte", images, "train-labels-idx1-ubyte", labels));
        ReaderFuzz.check(DataException.class, payloadBytes(images) + payloadBytes(labels), () -> FashionMnist.train(dir));
    }

    /** The bytes a reader sees: the input, or what it decompresses to when it starts with the gzip magic. */
    static long payloadBytes(byte[] data) throws IOException {
        if (data.length < 2 || (data[0] & 0xff) != 0x1f || (data[1] & 0xff) != 0x8b) return data.length;
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            for (int r; (r = in.read(buf)) > 0; ) n += r;
        } catch (IOException corrupt) {
            // what decompressed before the damage is what the reader can have seen
        }
        return Math.max(n, data.length);
    }
}
