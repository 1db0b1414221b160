package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Decodes event files with src/test/python/read_tfevents.py (Python's standard library only), not the writer's code. */
public final class TfEvents {
    private TfEvents() {}

    static final Path READER = Path.of("src/test/python/read_tfevents.py").toAbsolutePath();

    /** The reader's exit code and its stdout (JSON) or stderr (the defect). */
    record Result(int exit, String out, String err) {}

    static Result run(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", READER.toString(), file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err);
    }

    /** Every event of a file that must decode cleanly. */
    public static JsonArray read(Path file) throws IOException, InterruptedException {
        Result r = run(file);
        assertEquals(0, r.exit(), "read_tfevents.py failed: " + r.err());
        return JsonParser.parseString(r.out()).getAsJsonArray();
    }
}
