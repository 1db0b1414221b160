package org.hhnn.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hhnn.train.Safetensors.Loaded;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Safetensors against the published format, not just against its own writer. */
class SafetensorsTest {

    @TempDir Path dir;

    private static List<NamedTensor> sample() {
        return List.of(
                new NamedTensor("scalar", new int[]{}, new float[]{3.5f}),
                new NamedTensor("vec", new int[]{4}, new float[]{Float.NaN, -0.0f, Float.POSITIVE_INFINITY, Float.MIN_VALUE}),
                new NamedTensor("w.cube", new int[]{2, 3, 4}, ramp(24)),
                new NamedTensor("empty", new int[]{0, 5}, new float[0]));
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i * 0.25f - 1;
        return a;
    }

    @Test
    void roundTripKeepsOrderShapesBitsAndMetadata() {
        Path f = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcode \"quoted\" <tag>");
        Safetensors.write(f, sample(), meta);

        Loaded l = Safetensors.read(f);
        assertEquals(List.of("scalar", "vec", "w.cube", "empty"), List.copyOf(l.tensors().keySet()));
        for (NamedTensor want : sample()) {
            NamedTensor got = l.tensor(want.name());
            assertArrayEquals(want.shape(), got.shape(), want.name());
            assertArrayEquals(want.data(), got.data(), want.name());  // compares bit patterns: NaN, -0 included
        }
        assertEquals(meta, l.metadata());
    }

    @Test
    void writtenFileFollowsTheSpecByteForByte() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, sample(), Map.of("k", "v"));
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        assertEquals(0, (8 + n) % 8, "data section must start 8-byte aligned");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), "padding is spaces");

        JsonObject h = JsonParser.parseString(header).getAsJsonObject();
        assertEquals("v", h.getAsJsonObject("__metadata__").get("k").getAsString());
        JsonObject cube = h.getAsJsonObject("w.cube");
        assertEquals("F32", cube.get("dtype").getAsString());
        assertEquals("[2,3,4]", cube.get("shape").toString());
        assertEquals("[20,116]", cube.get("data_offsets").toString());  // after scalar (4 B) and vec (16 B)
        assertEquals("[116,116]", h.getAsJsonObject("empty").get("data_offsets").toString());
        assertEquals(8 + n + 116, b.length, "data section is exactly the tensors");

        // The cube's third value, -0.5f = 0xBF000000, little-endian at data offset 20 + 2*4.
        int at = (int) (8 + n + 28);
        assertArrayEquals(new byte[]{0, 0, 0, (byte) 0xBF}, Arrays.copyOfRange(b, at, at + 4));
    }

    @Test
    void readsAHandMadeFile() throws IOException {
        // Header lists "b" before "a" but "a" comes first in the data; no padding (N = 115, not a multiple of 8).
        String header = "{\"__metadata__\":{\"source\":\"hand\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        long n = h.length;
        for (int i = 0; i < 8; i++) out.write((int) (n >>> (8 * i)) & 0xFF);
        out.write(h);
        out.write(new byte[]{0, 0, (byte) 0x80, 0x3F});      // a[0] =  1.0f = 0x3F800000
        out.write(new byte[]{0, 0, 0, (byte) 0xC0});         // a[1] = -2.0f = 0xC0000000
        out.write(new byte[]{0, 0, 0, 0x3F});                // b    =  0.5f = 0x3F000000
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, out.toByteArray());

        Loaded l = Safetensors.read(f);
        assertEquals(List.of("a", "b"), List.copyOf(l.tensors().keySet()), "file (data) order");
        assertArrayEquals(new float[]{1.0f, -2.0f}, l.tensor("a").data());
        assertArrayEquals(new int[]{1, 1}, l.tensor("b").shape());
        assertArrayEquals(new float[]{0.5f}, l.tensor("b").data());
        assertEquals(Map.of("source", "hand"), l.metadata());
    }

    /** One tensor of {@code dtype} holding {@code bytes}, read back as float32. */
    private float[] readAs(String dtype, int elements, byte[] bytes) throws IOException {
        String header = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + elements + "],\"data_offsets\":[0," + bytes.length + "]}}";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(bytes);
        Path f = dir.resolve(dtype + ".safetensors");
        Files.write(f, b.array());
        return Safetensors.read(f).tensor("t").data();
    }

    private static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void otherDtypesAreConvertedToFloat32AsDocumented() throws IOException {
        // binary16 bit patterns: 1, -2, the smallest subnormal 2^-24, the largest finite 65504, +inf, -0
        assertArrayEquals(new float[]{1f, -2f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, -0f},
                readAs("F16", 6, le(2, 0x3C00, 0xC000, 0x0001, 0x7BFF, 0x7C00, 0x8000)));
        assertTrue(Float.isNaN(readAs("F16", 1, le(2, 0x7E00))[0]));
        // bfloat16 is the top half of a float32: 1, -5, 2^-133 (a float32 subnormal)
        assertArrayEquals(new float[]{1f, -5f, 0x1p-133f}, readAs("BF16", 3, le(2, 0x3F80, 0xC0A0, 0x0001)));
        // float64: rounded to nearest
        assertArrayEquals(new float[]{0.1f, (float) Math.PI, Float.POSITIVE_INFINITY},
                readAs("F64", 3, le(8, Double.doubleToLongBits(0.1), Double.doubleToLongBits(Math.PI), Double.doubleToLongBits(1e300))));
        assertArrayEquals(new float[]{-128f, 127f}, readAs("I8", 2, le(1, -128, 127)));
        assertArrayEquals(new float[]{255f, 0f}, readAs("U8", 2, le(1, 255, 0)));
        assertArrayEquals(new float[]{1f, 0f}, readAs("BOOL", 2, le(1, 1, 0)));
        assertArrayEquals(new float[]{-32768f, 65535f}, new float[]{readAs("I16", 1, le(2, -32768))[0], readAs("U16", 1, le(2, 65535))[0]});
        assertArrayEquals(new float[]{-7f, 16777216f}, readAs("I32", 2, le(4, -7, 16777217)));  // 2^24+1 rounds to even
        assertArrayEquals(new float[]{4294967295f}, readAs("U32", 1, le(4, 0xFFFFFFFFL)));
        // int64 2^53+1 and -3; uint64 max = 2^64 - 1 rounds to 2^64
        assertArrayEquals(new float[]{0x1p53f, -3f}, readAs("I64", 2, le(8, (1L << 53) + 1, -3)));
        assertArrayEquals(new float[]{0x1p64f, 0x1p63f}, readAs("U64", 2, le(8, -1L, 1L << 63)));
    }

    @Test
    void headerOverTheFormatsLimitIsRefusedBeforeItIsRead() throws IOException {
        // A sparse file whose length field declares 100 MB + 1 bytes of header, all present (zeros).
        Path f = dir.resolve("huge.safetensors");
        long n = 100L * 1024 * 1024 + 1;
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).flip());
            ch.write(ByteBuffer.wrap(new byte[]{' '}), 8 + n - 1);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("over the 104857600-byte limit"), e.getMessage());
    }

    // ---- corrupt files: each is a CheckpointException that names the file ----------------------

    private static final String OK_ENTRY = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    /** Builds a file from a header and n data bytes, reads it, and checks the message. */
    private void assertRejected(String header, int dataBytes, String problem) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        assertRejected(b.array(), problem);
    }

    private void assertRejected(byte[] content, String problem) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "says '" + problem + "': " + e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertEquals(f + " does not exist", e.getMessage());
    }

    @Test
    void shorterThanTheLengthField() throws IOException {
        assertRejected(new byte[]{1, 2, 3}, "truncated");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array();
        assertRejected(b, "declares a header of 1000 bytes");
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();  // u64 max
        assertRejected(b, "18446744073709551615");
    }

    @Test
    void unparsableJson() throws IOException {
        assertRejected("{\"a\": {\"dtype\": ", 0, "not valid JSON");
        assertRejected("{'a': 1}", 0, "not valid JSON");  // lenient JSON is not JSON
        assertRejected("[1, 2]", 0, "does not start with '{'");
        assertRejected("{" + OK_ENTRY + "} {}", 8, "not valid JSON (at line 1 column 57)");
        assertRejected("{" + OK_ENTRY + "," + OK_ENTRY + "}", 8, "'a' twice");
    }

    @Test
    void invalidEntries() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, "dtype F8_E4M3, which hhnn does not read");
        assertRejected("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype F64 (16 bytes)");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "negative");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "not [begin, end]");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "without a shape");
        assertRejected("{\"__metadata__\":{\"n\":3}," + OK_ENTRY + "}", 8, "metadata 'n' that is not a string");
    }

    @Test
    void offsetsNotMatchingShape() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "span 8 bytes");
    }

    @Test
    void offsetsOutOfRangeOrTruncated() throws IOException {
        assertRejected("{" + OK_ENTRY + "}", 5, "truncated");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4000,4008]}}", 8, "gap");
    }

    @Test
    void overlappingOrLooseOffsets() throws IOException {
        String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}";
        assertRejected("{" + OK_ENTRY + "," + b + "}", 12, "overlaps");
        assertRejected("{" + OK_ENTRY + "}", 12, "4 bytes after the last tensor");
    }

    @Test
    void truncatedRealFile() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, sample(), Map.of());
        byte[] b = Files.readAllBytes(good);
        assertRejected(Arrays.copyOf(b, b.length - 3), "truncated");
    }

    // ---- atomic writes -------------------------------------------------------------------------

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void rewriteLeavesNoTempFiles() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, sample(), Map.of());
        Safetensors.write(f, List.of(new NamedTensor("x", new int[]{1}, new float[]{7})), Map.of());
        assertEquals(List.of(f), files());
        assertArrayEquals(new float[]{7}, Safetensors.read(f).tensor("x").data());
    }

    @Test
    void writtenFilesGetTheUsualPermissions() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, sample(), Map.of());
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f), "umask, not owner-only");
    }

    @Test
    void invalidInputThrowsBeforeTouchingTheTarget() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, sample(), Map.of());
        byte[] before = Files.readAllBytes(f);
        NamedTensor t = new NamedTensor("t", new int[]{1}, new float[]{1});
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, List.of(t, t), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(f, List.of(new NamedTensor("__metadata__", new int[]{}, new float[]{1})), Map.of()));
        // A tensor whose data does not fit its shape cannot even be built.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedTensor("w", new int[]{2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("[2, 3] (6 elements) but 5 values"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void failureDuringTheWriteKeepsTheOldFileAndCleansUp() throws IOException {
        Path f = dir.resolve("metrics.json");
        AtomicFiles.writeString(f, "old");
        IOException boom = new IOException("disk full");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap("half of the new con".getBytes(StandardCharsets.UTF_8)));
            throw boom;
        }));
        assertSame(boom, e);
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void failureAtTheRenameCleansUp() throws IOException {
        // The target is a non-empty directory, so the final move fails after the temp file was written.
        Path target = Files.createDirectory(dir.resolve("m.safetensors"));
        Files.writeString(target.resolve("keep"), "x");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.write(target, sample(), Map.of()));
        assertTrue(e.getMessage().startsWith("could not write " + target), e.getMessage());
        assertEquals(List.of(target), files());
        assertEquals("x", Files.readString(target.resolve("keep")));
    }
}
