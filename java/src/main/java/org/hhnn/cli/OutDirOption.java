package org.hhnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** --out DIR, shared by every command that writes a folder of results. */
public final class OutDirOption {
    @Option(names = "--out", paramLabel = "DIR",
            description = "the folder the results go to; compare resumes an existing one (default: a new runs/<command>-<timestamp>)")
    Path out;

    /** --out, else runs/&lt;name&gt;-&lt;timestamp&gt; (not created). */
    Path dir(String name) { return out != null ? out : Path.of("runs", name + "-" + timestamp()); }

    /** {@link #dir} created. */
    Path create(String name) throws IOException { return Files.createDirectories(dir(name)); }

    /** The time stamp of a new run folder's name. */
    static String timestamp() { return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")); }
}
