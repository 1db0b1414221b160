package org.hhnn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a data file whole, with {@link DataException}'s one sentence when it cannot be read. */
final class DataFiles {
    private DataFiles() {}

    /** The file's bytes; missing says what a missing file is (e.g. "no such file"). */
    static byte[] readAllBytes(Path file, String missing) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw DataException.of(file, missing, e);
        } catch (IOException e) {
            throw DataException.of(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
