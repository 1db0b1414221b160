package org.hhnn.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hhnn.ReaderFuzz;
import org.hhnn.train.Safetensors.NamedTensor;

/**
 * A checkpoint's config.json as {@link Checkpoint#load} reads it (beside a valid model file): every input loads or
 * is a {@link CheckpointException}. What the trainer then does with the JSON's content is tested with the CLI.
 */
class CheckpointConfigFuzzTest {
    private static byte[] model;

    @FuzzTest
    void config(byte[] data) throws Exception {
        if (model == null) {
            Path tmp = ReaderFuzz.dir("checkpoint-model").resolve(Checkpoint.MODEL_FILE);
            Safetensors.write(tmp, List.of(new NamedTensor("w", new int[] {2}, new float[] {1, 2})), Map.of());
            model = Files.readAllBytes(tmp);
        }
        Path dir = ReaderFuzz.dirWith("checkpoint", Map.of(Checkpoint.CONFIG_FILE, data, Checkpoint.MODEL_FILE, model));
        ReaderFuzz.check(CheckpointException.class, data.length, () -> Checkpoint.load(dir));
    }
}
