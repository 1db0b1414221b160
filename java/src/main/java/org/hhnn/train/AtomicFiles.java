package org.hhnn.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that readers never see half done: the bytes go to a temp file in the target's
 * directory, are forced to disk, and the temp file is renamed over the target. A crash or an
 * exception at any point leaves either the old file or the new one, and no temp file behind
 * (unless the process itself dies, which can leave a {@code .name.*.tmp} file next to the target).
 *
 * <p>This is the one place hhnn writes result files: checkpoints, metrics, configs and plots.
 */
public final class AtomicFiles {

    /** Pretty-printed; NaN/Infinity are written as bare tokens (Gson and Python's json read them) so a
     *  diverged run's metrics are still saved instead of failing the write. */
    private static final Gson PRETTY = new GsonBuilder()
            .setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private AtomicFiles() {}

    /** Writes the content of a file through an open channel; the channel is positioned at 0. */
    @FunctionalInterface
    public interface ChannelWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Atomically replaces {@code target} with {@code text} encoded as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically replaces {@code target} with {@code json} pretty-printed, ending in a newline. */
    public static void writeJson(Path target, JsonElement json) throws IOException {
        writeString(target, PRETTY.toJson(json) + "\n");
    }

    /**
     * Atomically replaces {@code target} with whatever {@code writer} writes. If the writer throws,
     * the target is untouched and the temp file is deleted.
     */
    public static void write(Path target, ChannelWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        // Same directory as the target: a rename is only atomic within one file system.
        Path tmp = newTempFile(dir, abs.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writer.writeTo(ch);
                // Without this the rename can reach the disk before the data, and a power cut
                // would leave a complete-looking file full of zeros.
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                t.addSuppressed(cleanup);  // the write's own failure is the one to report
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /**
     * An empty, uniquely named file next to the target. Not Files.createTempFile: that makes the file
     * owner-only (0600), and the rename would give checkpoints and plots those permissions; this one
     * gets the same permissions as any new file (umask).
     */
    private static Path newTempFile(Path dir, String name) throws IOException {
        while (true) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                // A 64-bit random name collided; draw another.
            }
        }
    }

    /** Writes all of {@code buf}; FileChannel.write may write less than asked. */
    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a
     *  directory as a channel, and the file is already complete either way. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data is safe; only the directory entry's durability is not guaranteed here.
        }
    }
}
