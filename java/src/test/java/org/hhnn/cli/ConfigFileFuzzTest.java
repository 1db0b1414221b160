package org.hhnn.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.hhnn.ReaderFuzz;
import picocli.CommandLine;

/**
 * {@code --config FILE} as {@link ConfigFile#expand} reads it for train and compare (YAML, of which JSON is a
 * part): every input becomes flags or is an {@link IllegalArgumentException} (the class itself, which Main prints
 * as one sentence), naming the file.
 */
class ConfigFileFuzzTest {
    private static CommandLine root;

    @FuzzTest
    void config(byte[] data) throws Exception {
        if (root == null) root = new CommandLine(new Main());
        Path file = ReaderFuzz.dirWith("config", Map.of("run.yaml", data)).resolve("run.yaml");
        ReaderFuzz.check(IllegalArgumentException.class, data.length,
                () -> ConfigFile.expand(root, new String[] {"train", "--config", file.toString()}));
        ReaderFuzz.check(IllegalArgumentException.class, data.length,
                () -> ConfigFile.expand(root, new String[] {"compare", "--config", file.toString(), "--models", "mlp"}));
    }
}
