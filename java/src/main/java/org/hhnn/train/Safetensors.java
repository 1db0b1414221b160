package org.hhnn.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import org.hhnn.data.Quote;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the safetensors format (https://huggingface.co/docs/safetensors). It writes float32; it reads
 * float32, float16, bfloat16, float64 and integer tensors, converted to float32 as {@link SafetensorsDtype} says:
 * <pre>
 *   u64 little-endian N | N bytes UTF-8 JSON header, space-padded | data section
 *   header: {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
 * </pre>
 * Offsets are relative to the data section; tensors are stored contiguously, row-major, little-endian.
 * The reader applies the reference implementation's checks (header starts with '{', offsets contiguous
 * from 0 and covering the whole data section, each tensor exactly shape × element size bytes, a header of at
 * most 100 MB), so a file this class accepts is one Python's {@code safetensors} accepts too.
 */
public final class Safetensors {

    /** The reference implementation refuses larger headers; so do we, before allocating them. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String METADATA_KEY = "__metadata__";
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();
    private static final Pattern GSON_POSITION = Pattern.compile("line \\d+ column \\d+");
    private static final int CHUNK_FLOATS = 1 << 18;  // 1 MiB staging buffer for data I/O

    private Safetensors() {}

    /**
     * One tensor: a name, its shape (row-major; {@code []} is a scalar) and its float32 values.
     * Arrays are held, not copied; equality is by reference as for any record with array components.
     */
    public record NamedTensor(String name, int[] shape, float[] data) {
        public NamedTensor {
            if (name == null || shape == null || data == null) {
                throw new IllegalArgumentException("tensor name, shape and data must be non-null");
            }
            long n = elementCount(shape);
            if (n < 0) throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
            if (n != data.length) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + " (" + n + " elements) but " + data.length + " values");
            }
        }
    }

    /** The content of a file: tensors in file (data offset) order, and the header metadata. */
    public record Loaded(Path file, Map<String, NamedTensor> tensors, Map<String, String> metadata) {
        /** The tensor called {@code name}; a missing one is a {@link CheckpointException} naming the file. */
        public NamedTensor tensor(String name) {
            NamedTensor t = tensors.get(name);
            if (t == null) throw new CheckpointException(file + " has no tensor " + Quote.of(name) + " (it has " + Quote.of(String.join(", ", tensors.keySet())) + ")");
            return t;
        }
    }

    /**
     * Atomically writes {@code tensors} (in list order) and {@code metadata} to {@code file}.
     * Invalid input (duplicate or reserved names) throws IllegalArgumentException before the
     * target is touched; I/O failures are a {@link CheckpointException} and leave the old file intact.
     */
    public static void write(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        try {
            AtomicFiles.write(file, ch -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                AtomicFiles.writeFully(ch, len);
                AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (NamedTensor t : tensors) {
                    for (int off = 0; off < t.data().length; off += CHUNK_FLOATS) {
                        int n = Math.min(CHUNK_FLOATS, t.data().length - off);
                        buf.clear();
                        buf.asFloatBuffer().put(t.data(), off, n);
                        buf.limit(n * 4);
                        AtomicFiles.writeFully(ch, buf);
                    }
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("could not write " + file + ": " + e, e);
        }
    }

    /** The JSON header, UTF-8, space-padded so the data section starts 8-byte aligned. */
    private static byte[] header(List<NamedTensor> tensors, Map<String, String> metadata) {
        JsonObject h = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must be non-null");
                m.addProperty(k, v);
            });
            h.add(METADATA_KEY, m);
        }
        long offset = 0;
        Set<String> names = new HashSet<>();
        for (NamedTensor t : tensors) {
            if (t.name().isEmpty() || t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name '" + t.name() + "' is not allowed in safetensors");
            }
            if (!names.add(t.name())) throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            JsonObject e = new JsonObject();
            e.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int d : t.shape()) shape.add(d);
            e.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 4L * t.data().length;
            offsets.add(offset);
            e.add("data_offsets", offsets);
            h.add(t.name(), e);
        }
        byte[] json = COMPACT.toJson(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Reads every tensor of a safetensors file, as float32; any defect is a {@link CheckpointException} naming the file. */
    public static Loaded read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "is truncated: " + size + " bytes, shorter than the 8-byte header length");
            long n = readFully(ch, 0, 8).getLong();
            if (n < 0 || n > size - 8) {
                throw bad(file, "declares a header of " + Long.toUnsignedString(n) + " bytes but only " + (size - 8) + " bytes follow the length");
            }
            if (n > MAX_HEADER_BYTES) throw bad(file, "declares a header of " + n + " bytes, over the " + MAX_HEADER_BYTES + "-byte limit");
            String json = decodeUtf8(file, readFully(ch, 8, (int) n));
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = parseHeader(file, json, entries);
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            checkLayout(file, entries, dataSize);

            Map<String, NamedTensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                int width = e.dtype.bytes;
                float[] data = new float[(int) ((e.end - e.begin) / width)];
                for (int off = 0; off < data.length; off += CHUNK_FLOATS) {
                    int m = Math.min(CHUNK_FLOATS, data.length - off);
                    e.dtype.decode(readFully(ch, dataStart + e.begin + (long) width * off, m * width), data, off, m);
                }
                tensors.put(e.name, new NamedTensor(e.name, e.shape, data));
            }
            return new Loaded(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (NoSuchFileException e) {
            throw bad(file, "does not exist");
        } catch (IOException e) {
            throw new CheckpointException("could not read " + file + ": " + e, e);
        }
    }

    /** One header entry before its data is read. */
    private record Entry(String name, SafetensorsDtype dtype, int[] shape, long begin, long end) {}

    /** Parses the header strictly (no comments, no duplicate keys); fills {@code entries}, returns the metadata. */
    private static Map<String, String> parseHeader(Path file, String json, List<Entry> entries) {
        if (!json.startsWith("{")) throw bad(file, "has a header that does not start with '{'");
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            r.setStrictness(Strictness.STRICT);
            r.beginObject();
            Set<String> seen = new HashSet<>();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!seen.add(name)) throw bad(file, "has the key " + Quote.of(name) + " twice in its header");
                JsonElement value = JsonParser.parseReader(r);
                if (name.equals(METADATA_KEY)) {
                    parseMetadata(file, value, metadata);
                } else {
                    entries.add(parseEntry(file, name, value));
                }
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) throw bad(file, "has data after the JSON header object");
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            // Gson reports syntax errors as MalformedJsonException (an IOException), JsonParseException
            // from parseReader, or IllegalStateException when a token is not the expected kind.
            throw new CheckpointException(file + " has a header that is not valid JSON" + jsonPosition(e), e);
        }
        return metadata;
    }

    /**
     * " (at line L column C)" from a Gson syntax error, or "": only Gson's position is worth showing, the rest of its
     * message is Java exception text and advice to parse leniently, wrong for a file hhnn wrote.
     */
    public static String jsonPosition(Exception e) {
        Matcher at = GSON_POSITION.matcher(String.valueOf(e.getMessage()));
        return at.find() ? " (at " + at.group() + ")" : "";
    }

    private static void parseMetadata(Path file, JsonElement value, Map<String, String> out) {
        if (!value.isJsonObject()) throw bad(file, "has a __metadata__ entry that is not a JSON object");
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw bad(file, "has metadata " + Quote.of(m.getKey()) + " that is not a string");
            }
            out.put(m.getKey(), v.getAsString());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonElement value) {
        String where = "tensor " + Quote.of(name);
        if (!value.isJsonObject()) throw bad(file, "has " + where + " whose header entry is not a JSON object");
        JsonObject o = value.getAsJsonObject();
        JsonElement dtype = o.get("dtype");
        if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
            throw bad(file, "has " + where + " without a dtype string");
        }
        SafetensorsDtype type = SafetensorsDtype.of(dtype.getAsString());
        if (type == null) {
            throw bad(file, "has " + where + " of dtype " + Quote.of(dtype.getAsString()) + ", which hhnn does not read (it reads "
                    + Arrays.toString(SafetensorsDtype.values()) + ")");
        }
        long[] shapeL = longArray(file, where, "shape", o.get("shape"));
        int[] shape = new int[shapeL.length];
        for (int i = 0; i < shape.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) throw bad(file, "has " + where + " with dimension " + shapeL[i] + ", too large for a Java array");
            shape[i] = (int) shapeL[i];
        }
        long[] off = longArray(file, where, "data_offsets", o.get("data_offsets"));
        if (off.length != 2) throw bad(file, "has " + where + " whose data_offsets is not [begin, end]");
        if (off[1] < off[0]) throw bad(file, "has " + where + " whose data_offsets end " + off[1] + " is before begin " + off[0]);
        long count = elementCount(shape);
        if (count > Integer.MAX_VALUE || count < 0) throw bad(file, "has " + where + " with more elements than a Java array can hold");
        if (off[1] - off[0] != type.bytes * count) {
            throw bad(file, "has " + where + " of shape " + Arrays.toString(shape) + " and dtype " + type + " (" + type.bytes * count
                    + " bytes) but data_offsets [" + off[0] + ", " + off[1] + "] span " + (off[1] - off[0]) + " bytes");
        }
        return new Entry(name, type, shape, off[0], off[1]);
    }

    /** A JSON array of non-negative integers. */
    private static long[] longArray(Path file, String where, String key, JsonElement e) {
        if (e == null || !e.isJsonArray()) throw bad(file, "has " + where + " without a " + key + " array");
        JsonArray a = e.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            long v;
            try {
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) throw new NumberFormatException();
                v = x.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                throw bad(file, "has " + where + " whose " + key + " holds " + x + ", not an integer");
            }
            if (v < 0) throw bad(file, "has " + where + " whose " + key + " holds the negative value " + v);
            out[i] = v;
        }
        return out;
    }

    /** Sorts entries by offset and requires them to tile the data section exactly, as the reference reader does. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                String what = e.begin < expected ? "overlaps the previous tensor" : "leaves a gap after the previous tensor";
                throw bad(file, "has tensor " + Quote.of(e.name) + " at data offset " + e.begin + ", which " + what + " (expected " + expected + ")");
            }
            expected = e.end;
        }
        if (expected > dataSize) {
            throw bad(file, "is truncated: the header describes " + expected + " data bytes but only " + dataSize + " are present");
        }
        if (expected < dataSize) {
            throw bad(file, "has " + (dataSize - expected) + " bytes after the last tensor that no header entry describes");
        }
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "has a header that is not valid UTF-8");
        }
    }

    /** Reads exactly {@code n} bytes at {@code pos}, little-endian; the caller has checked the file is long enough. */
    private static ByteBuffer readFully(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) throw new IOException("unexpected end of file");
        }
        return buf.flip();
    }

    /** Product of the dimensions ({@code 1} for a scalar); -1 if a dimension is negative; capped at
     *  2^40 so that 8× the result cannot overflow (such a tensor is refused anyway). */
    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) if (d < 0) return -1;
        for (int d : shape) if (d == 0) return 0;
        for (int d : shape) {
            if (n > (1L << 40) / d) return 1L << 40;
            n *= d;
        }
        return n;
    }

    private static CheckpointException bad(Path file, String problem) {
        return new CheckpointException(file + " " + problem);
    }
}
