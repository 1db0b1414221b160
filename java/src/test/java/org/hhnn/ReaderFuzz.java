package org.hhnn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every reader fuzz test checks about one input: the reader either loads it or throws its own exception
 * type with a one-line message (no other exception, no error, no control characters echoed from the input), and
 * it allocates at most {@link #allocationBound} for it, so a header cannot make a reader allocate what the bytes
 * do not back. The files go to a scratch directory on tmpfs when there is one: a fuzzer writes them a million times.
 */
public final class ReaderFuzz {
    /** Fixed overhead a read may allocate whatever the input: stream buffers, the JSON parser, exception text. */
    static final long FIXED_BYTES = 4L << 20;
    /** Per input byte: a float per byte (4), the bytes themselves, boxed tokens for text readers, growth copies. */
    static final long BYTES_PER_INPUT_BYTE = 256;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static Path scratch;

    private ReaderFuzz() {}

    /** A read of outside bytes; may throw the reader's own exception. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /** Allocation allowed for an input whose readers see {@code payloadBytes} bytes (after decompression). */
    public static long allocationBound(long payloadBytes) {
        return FIXED_BYTES + BYTES_PER_INPUT_BYTE * payloadBytes;
    }

    /**
     * Runs {@code read}; returns normally if it loaded or threw {@code own} with a one-line message, and throws an
     * AssertionError (a fuzzer finding) for anything else, or when it allocated more than the bound for
     * {@code payloadBytes}. Errors and other exception types propagate as they are, which is also a finding.
     */
    public static void check(Class<? extends RuntimeException> own, long payloadBytes, Read read) throws Exception {
        long allocated = allocatedBy(own, read);
        if (allocated > allocationBound(payloadBytes)) {
            // The first read down a path also loads and instruments classes; only a second read's figure counts.
            allocated = allocatedBy(own, read);
            if (allocated > allocationBound(payloadBytes)) {
                throw new AssertionError("allocated " + allocated + " bytes for a " + payloadBytes + "-byte input (bound "
                        + allocationBound(payloadBytes) + ")");
            }
        }
    }

    /** Bytes this thread allocated running {@code read}, which must load or throw {@code own} with a one-line message. */
    private static long allocatedBy(Class<? extends RuntimeException> own, Read read) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.run();
        } catch (RuntimeException e) {
            if (e.getClass() != own) throw e;
            checkSentence(e);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** Non-empty, one line, no control characters echoed from the input, no cause's exception text leaking through. */
    private static void checkSentence(RuntimeException e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) throw new AssertionError("empty message from " + e.getClass().getSimpleName(), e);
        for (int i = 0; i < msg.length(); i++) {
            if (Character.isISOControl(msg.charAt(i))) {
                throw new AssertionError("control character U+" + String.format("%04X", (int) msg.charAt(i))
                        + " at " + i + " in the message: " + msg.replaceAll("\\p{Cntrl}", "?"), e);
            }
        }
        // A cause's class name in the message means its toString() leaked through (the file's own text may say anything).
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (msg.contains(c.getClass().getName()) || msg.contains(c.getClass().getSimpleName() + ":"))
                throw new AssertionError("the text of a " + c.getClass().getName() + " in the message: " + msg, e);
        }
    }

    /** An empty scratch directory named {@code name}, the same one on every call (cleared), kept until the JVM exits. */
    public static Path dir(String name) {
        Path d = scratch(name);
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) deleteTree(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /** The scratch directory {@code name}, created on first use, under one per-JVM root on tmpfs when there is one. */
    private static synchronized Path scratch(String name) {
        try {
            if (scratch == null) {
                Path shm = Path.of("/dev/shm");
                scratch = Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempDirectory(shm, "hhnn-fuzz") : Files.createTempDirectory("hhnn-fuzz");
                Path root = scratch;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            }
            return Files.createDirectories(scratch.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the scratch directory {@code name} hold exactly {@code files} (name to bytes); the same one on every call. */
    public static Path dirWith(String name, Map<String, byte[]> files) {
        Path d = scratch(name);
        try {
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.toList()) if (!files.containsKey(p.getFileName().toString())) deleteTree(p);
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) Files.write(d.resolve(f.getKey()), f.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /**
     * Splits fuzz bytes at 0xFF into at most {@code max} parts (the last keeps any further 0xFF): 0xFF never occurs in
     * UTF-8, so a text reader loses nothing it could be given, and one input describes several files.
     */
    public static List<byte[]> split(byte[] data, int max) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length && parts.size() < max - 1; i++) {
            if (data[i] == (byte) 0xFF) {
                parts.add(java.util.Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        parts.add(java.util.Arrays.copyOfRange(data, start, data.length));
        return parts;
    }

    private static void deleteTree(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path c : s.toList()) deleteTree(c);
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // scratch space on tmpfs: a leftover file is harmless
        }
    }
}
