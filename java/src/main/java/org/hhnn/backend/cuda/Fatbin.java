package org.hhnn.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the table of contents of a CUDA fatbin (what nvcc -fatbin writes; the layout of cuda's fatbinary.h, all
 * little-endian): a 16-byte header (magic 0xBA55ED50, u16 version, u16 header size, u64 size of the entries), then
 * entries, each a header (u16 kind: 1 PTX, 2 ELF/SASS; u16 version; u32 header size; u64 payload size; ...;
 * u32 arch at offset 28, e.g. 90) followed by its payload. Used to say what the shipped fatbin holds and by the test
 * that checks it holds sm_80 and sm_90 SASS and compute_90 PTX.
 */
public final class Fatbin {
    private Fatbin() {}

    /** The classpath resource the build writes (CMakeLists.txt: nvcc -fatbin). */
    public static final String RESOURCE = "/cuda/hhnn.fatbin";

    public static final int MAGIC = 0xBA55ED50;

    /** One code object: SASS (an ELF cubin) for sm_arch, or PTX for compute_arch. */
    public record Entry(boolean ptx, int arch, long bytes) {
        /** "sm_90" for SASS, "compute_90" for PTX (nvcc's -gencode names). */
        public String label() { return (ptx ? "compute_" : "sm_") + arch; }
    }

    /** The entries of fatbin data; throws IllegalArgumentException naming what is wrong when it is not one. */
    public static List<Entry> parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 16 || b.getInt(0) != MAGIC)
            throw new IllegalArgumentException("not a CUDA fatbin: the first 4 bytes are not the magic 0xBA55ED50");
        int headerSize = b.getShort(6) & 0xffff;
        long end = headerSize + b.getLong(8);
        if (end > data.length) throw new IllegalArgumentException("truncated fatbin: the header announces " + end + " bytes, the data holds " + data.length);
        List<Entry> entries = new ArrayList<>();
        long off = headerSize;
        while (off < end) {
            if (off + 32 > end) throw new IllegalArgumentException("truncated fatbin entry header at byte " + off);
            int o = (int) off;
            int kind = b.getShort(o) & 0xffff;
            long entryHeader = b.getInt(o + 4) & 0xffffffffL;
            long payload = b.getLong(o + 8);
            int arch = b.getInt(o + 28);
            if (kind != 1 && kind != 2) throw new IllegalArgumentException("unknown fatbin entry kind " + kind + " at byte " + off);
            entries.add(new Entry(kind == 1, arch, payload));
            if (entryHeader < 32 || payload < 0) throw new IllegalArgumentException("corrupt fatbin entry at byte " + off);
            off += entryHeader + payload;
        }
        return entries;
    }

    /** The fatbin shipped on the classpath, or null when this build has none (nvcc was not found). */
    public static byte[] load() {
        try (InputStream in = Fatbin.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("could not read the classpath resource " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** "sm_80, compute_90, sm_90" style summary. */
    public static String describe(List<Entry> entries) {
        List<String> s = new ArrayList<>();
        for (Entry e : entries) s.add(e.label());
        return String.join(", ", s);
    }
}
