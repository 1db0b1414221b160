package org.hhnn.data;

import java.nio.file.Path;

/**
 * Bad or missing input data. The message is one sentence that names the file (or directory) and
 * the problem, because the CLI prints only {@link #getMessage()} and exits non-zero.
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code <file>: <problem>}" — the one shape every data error takes. */
    public static DataException of(Path file, String problem) {
        return new DataException(file + ": " + problem);
    }

    public static DataException of(Path file, String problem, Throwable cause) {
        return new DataException(file + ": " + problem, cause);
    }
}
