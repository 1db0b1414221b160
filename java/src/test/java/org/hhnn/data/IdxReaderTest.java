package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] randomPixels(int n, long seed) {
        byte[] p = new byte[n];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** Asserts a DataException whose one-line message names the file and contains every fragment. */
    private static DataException assertProblem(Path file, Executable action, String... fragments) {
        DataException e = assertThrows(DataException.class, action);
        String msg = e.getMessage();
        assertTrue(msg.contains(file.toString()), () -> "message does not name " + file + ": " + msg);
        assertFalse(msg.contains("\n"), () -> "message is not one line: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "message lacks \"" + f + "\": " + msg);
        }
        return e;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(data);
        }
        return bos.toByteArray();
    }

    /** Writes a raw IDX image file with the given header and body, bypassing IdxWriter's checks. */
    private Path rawImages(String name, int count, int rows, int cols, byte[] body) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {0, 0, 8, 3});
        for (int v : new int[] {count, rows, cols}) {
            bos.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        }
        bos.write(body);
        return Files.write(dir.resolve(name), bos.toByteArray());
    }

    @Test
    void imagesRoundTripGzipAndRaw() {
        byte[] pixels = randomPixels(7 * 5 * 3, 1);
        pixels[0] = (byte) 255;
        pixels[1] = 0;
        for (boolean gz : new boolean[] {true, false}) {
            Path f = dir.resolve(gz ? "img.gz" : "img");
            IdxWriter.writeImages(f, 7, 5, 3, pixels, gz);
            IdxReader.IdxImages im = IdxReader.readImages(f);
            assertEquals(7, im.count());
            assertEquals(5, im.rows());
            assertEquals(3, im.cols());
            assertArrayEquals(pixels, im.pixels());
            float[] s = im.scaled();
            assertEquals(1f, s[0]);
            assertEquals(0f, s[1]);
            for (int i = 0; i < s.length; i++) {
                assertEquals((pixels[i] & 0xff) / 255f, s[i]);
            }
            assertEquals(pixels[(6 * 5 + 4) * 3 + 2] & 0xff, im.pixel(6, 4, 2));
        }
    }

    @Test
    void labelsRoundTripGzipAndRaw() {
        int[] labels = {0, 9, 255, 3, 3, 1};
        for (boolean gz : new boolean[] {true, false}) {
            Path f = dir.resolve(gz ? "lab.gz" : "lab");
            IdxWriter.writeLabels(f, labels, gz);
            assertArrayEquals(labels, IdxReader.readLabels(f));
        }
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        int[] labels = {1, 2, 3};
        Path gzNoSuffix = dir.resolve("labels-idx1-ubyte");
        IdxWriter.writeLabels(gzNoSuffix, labels, true);
        assertEquals(0x1f, Files.readAllBytes(gzNoSuffix)[0] & 0xff);
        assertArrayEquals(labels, IdxReader.readLabels(gzNoSuffix));
        Path rawWithSuffix = dir.resolve("labels-idx1-ubyte.gz");
        IdxWriter.writeLabels(rawWithSuffix, labels, false);
        assertArrayEquals(labels, IdxReader.readLabels(rawWithSuffix));
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope-images-idx3-ubyte.gz");
        assertProblem(f, () -> IdxReader.readImages(f), "no such file");
        assertProblem(f, () -> IdxReader.readLabels(f), "no such file");
    }

    @Test
    void directoryInsteadOfFile() {
        assertProblem(dir, () -> IdxReader.readImages(dir), "is a directory");
    }

    @Test
    void unreadableFile() throws IOException {
        Path f = dir.resolve("secret");
        IdxWriter.writeLabels(f, new int[] {1}, false);
        assumeTrue(f.toFile().setReadable(false, false) && !Files.isReadable(f),
                "file permissions are not enforced for this user (root?): unreadable-file test not run");
        assertProblem(f, () -> IdxReader.readLabels(f), "cannot be read");
    }

    @Test
    void wrongMagicSaysWhatWasFoundAndExpected() throws IOException {
        Path labels = dir.resolve("labels.gz");
        IdxWriter.writeLabels(labels, new int[] {1, 2}, true);
        assertProblem(labels, () -> IdxReader.readImages(labels),
                "wrong magic number 0x00000801", "IDX labels", "0x00000803", "IDX images");
        Path images = dir.resolve("images");
        IdxWriter.writeImages(images, 1, 2, 2, new byte[4], false);
        assertProblem(images, () -> IdxReader.readLabels(images), "wrong magic number 0x00000803", "0x00000801");
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, world");
        assertProblem(text, () -> IdxReader.readImages(text), "0x68656C6C", "not an IDX file");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertProblem(empty, () -> IdxReader.readLabels(empty), "truncated", "after 0 bytes");
        Path half = Files.write(dir.resolve("half"), new byte[] {0, 0, 8, 3, 0, 0, 0, 9});
        assertProblem(half, () -> IdxReader.readImages(half), "truncated", "inside the header");
    }

    @Test
    void truncatedImagesRawAndGzip() throws IOException {
        // 5 images of 3x4 declared, 2 whole images and 5 bytes of the third present
        Path raw = rawImages("short-images", 5, 3, 4, new byte[2 * 12 + 5]);
        assertProblem(raw, () -> IdxReader.readImages(raw),
                "truncated: header says 5 images of 3x4 but the file ends after 2 of them and 5 bytes of the next");
        Path gz = Files.write(dir.resolve("short-images.gz"), gzip(Files.readAllBytes(raw)));
        assertProblem(gz, () -> IdxReader.readImages(gz), "truncated: header says 5 images of 3x4", "after 2 of them");
        Path whole = rawImages("three", 5, 3, 4, new byte[3 * 12]);
        DataException e = assertProblem(whole, () -> IdxReader.readImages(whole), "ends after 3 of them");
        assertFalse(e.getMessage().contains("of the next"), e.getMessage());
    }

    @Test
    void truncatedLabels() throws IOException {
        Path f = dir.resolve("labels");
        IdxWriter.writeLabels(f, new int[] {1, 2, 3, 4, 5, 6}, false);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 2));
        assertProblem(f, () -> IdxReader.readLabels(f), "truncated: header says 6 labels but the file ends after 4");
    }

    @Test
    void badGzipStream() throws IOException {
        Path f = dir.resolve("images.gz");
        IdxWriter.writeImages(f, 50, 28, 28, randomPixels(50 * 28 * 28, 2), true);
        byte[] all = Files.readAllBytes(f);
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(all, all.length / 2));
        assertProblem(cut, () -> IdxReader.readImages(cut), "corrupt or truncated gzip stream");
        Path garbage = Files.write(dir.resolve("garbage.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertProblem(garbage, () -> IdxReader.readImages(garbage), "corrupt or truncated gzip stream");
        byte[] flipped = all.clone();
        for (int i = all.length - 8; i < all.length; i++) {
            flipped[i] ^= 0x5a; // CRC32 and size trailer
        }
        Path badCrc = Files.write(dir.resolve("crc.gz"), flipped);
        assertProblem(badCrc, () -> IdxReader.readImages(badCrc), "corrupt or truncated gzip stream");
    }

    @Test
    void extraBytesAreAnError() throws IOException {
        Path images = rawImages("images", 2, 2, 2, new byte[8 + 7]);
        assertProblem(images, () -> IdxReader.readImages(images), "7 extra bytes follow", "2 images of 2x2");
        Path labels = dir.resolve("labels.gz");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 4, 5, 6});
        Files.write(labels, gzip(bos.toByteArray()));
        assertProblem(labels, () -> IdxReader.readLabels(labels), "1 extra byte follows", "2 labels");
    }

    @Test
    void zeroAndAbsurdDimensions() throws IOException {
        Path zero = rawImages("zero", 0, 28, 28, new byte[0]);
        assertProblem(zero, () -> IdxReader.readImages(zero), "empty shape [0, 28, 28]");
        Path zeroRows = rawImages("zero-rows", 3, 0, 28, new byte[0]);
        assertProblem(zeroRows, () -> IdxReader.readImages(zeroRows), "empty shape [3, 0, 28]");
        Path huge = rawImages("huge", -1, 28, 28, new byte[10]);
        assertProblem(huge, () -> IdxReader.readImages(huge), "absurd shape [4294967295, 28, 28]");
        Path big = rawImages("big", 100_000_000, 28, 28, new byte[10]);
        assertProblem(big, () -> IdxReader.readImages(big), "absurd shape [100000000, 28, 28]");
    }

    private void writeFashion(Path d, String prefix, int images, int labels, boolean gz) {
        IdxWriter.writeImages(d.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")),
                images, 28, 28, randomPixels(images * 784, images), gz);
        int[] y = new int[labels];
        for (int i = 0; i < labels; i++) {
            y[i] = i % 10;
        }
        IdxWriter.writeLabels(d.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), y, gz);
    }

    @Test
    void fashionMnistFromGeneratedFiles() {
        writeFashion(dir, "train", 12, 12, true);
        writeFashion(dir, "t10k", 4, 4, false); // the un-gzipped names are accepted too
        Dataset train = FashionMnist.train(dir);
        Dataset test = FashionMnist.test(dir);
        assertEquals(12, train.size());
        assertEquals(4, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.featureShape());
        assertEquals(784, train.features());
        assertEquals(10, train.numClasses());
        assertEquals("Ankle boot", train.classNames()[9]);
        assertEquals(3, test.y()[3]);
        byte[] pixels = randomPixels(12 * 784, 12);
        assertEquals((pixels[100] & 0xff) / 255f, train.x()[100]);
    }

    @Test
    void fashionMnistCountMismatchNamesBothFilesAndCounts() {
        writeFashion(dir, "t10k", 5, 4, true);
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        DataException e = assertProblem(images, () -> FashionMnist.test(dir), "5 images", "4 labels");
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    }

    @Test
    void fashionMnistLabelOutOfRangeNamesLabelFile() {
        writeFashion(dir, "t10k", 3, 3, true);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        IdxWriter.writeLabels(labels, new int[] {0, 10, 2}, true);
        assertProblem(labels, () -> FashionMnist.test(dir), "label 10 at index 1 is outside 0..9");
    }

    @Test
    void fashionMnistWrongImageSize() {
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        IdxWriter.writeImages(images, 2, 32, 32, new byte[2 * 32 * 32], false);
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {0, 1}, false);
        assertProblem(images, () -> FashionMnist.test(dir), "28x28", "32x32");
    }

    @Test
    void fashionMnistMissingDirectoryAndFile() {
        Path missing = dir.resolve("no-such-dir");
        assertProblem(missing, () -> FashionMnist.train(missing),
                "does not exist", "apt-get install dataset-fashion-mnist", "--data DIR");
        writeFashion(dir, "t10k", 2, 2, true);
        Path expected = dir.resolve("train-images-idx3-ubyte.gz");
        assertProblem(expected, () -> FashionMnist.train(dir), "no such file", "train-images-idx3-ubyte beside it");
    }

    @Test
    void realFashionMnistTestSet() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), FashionMnist.DEFAULT_DIR
                + " is absent (apt-get install dataset-fashion-mnist): real Fashion-MNIST test not run");
        Dataset test = FashionMnist.test();
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.featureShape());
        int[] perClass = new int[10];
        for (int label : test.y()) {
            perClass[label]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : test.x()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void writerRejectsWhatTheFormatCannotHold() {
        Path f = dir.resolve("labels");
        assertProblem(f, () -> IdxWriter.writeLabels(f, new int[] {0, 256}, false), "label 256 at index 1");
        assertProblem(f, () -> IdxWriter.writeImages(f, 2, 2, 2, new byte[7], false), "7 pixels", "2 images of 2x2");
    }

    @Test
    void appendedBytesInsideGzipAreSeenAfterDecompression() throws IOException {
        Path f = dir.resolve("img.gz");
        IdxWriter.writeImages(f, 1, 1, 1, new byte[] {5}, true);
        // a second gzip member is part of the same stream, so its byte counts as extra data
        Files.write(f, gzip(new byte[] {9}), StandardOpenOption.APPEND);
        assertProblem(f, () -> IdxReader.readImages(f), "1 extra byte follows");
    }
}
