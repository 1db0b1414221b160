package org.hhnn.train;

import com.google.gson.JsonObject;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {

    @TempDir Path tmp;

    private static JsonObject config(int epoch) {
        JsonObject model = new JsonObject();
        model.addProperty("kind", "mlp");
        model.addProperty("hidden", 128);
        JsonObject c = new JsonObject();
        c.add("model", model);
        c.addProperty("epoch", epoch);
        c.addProperty("lr", 1e-3);
        c.addProperty("seed", 42L);
        c.addProperty("backend", "reference");
        return c;
    }

    private static List<NamedTensor> tensors(float v) {
        return List.of(
                new NamedTensor("model.fc1.weight", new int[]{2, 3}, new float[]{v, 2, 3, 4, 5, 6}),
                new NamedTensor("optim.step", new int[]{}, new float[]{v}));
    }

    @Test
    void saveThenLoad() throws IOException {
        Path dir = tmp.resolve("run/ckpt-1");  // parents are created
        Checkpoint.save(dir, tensors(1), config(1));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("config.json", "model.safetensors"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Checkpoint.Loaded l = Checkpoint.load(dir);
        assertEquals(config(1), l.config());
        assertEquals(List.of("model.fc1.weight", "optim.step"), List.copyOf(l.tensors().keySet()));
        assertArrayEquals(new int[]{2, 3}, l.tensor("model.fc1.weight").shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, l.tensor("model.fc1.weight").data());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\n  \"epoch\": 1"), "pretty-printed");
    }

    @Test
    void saveReplacesThePreviousCheckpoint() throws IOException {
        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, tensors(1), config(1));
        Checkpoint.save(dir, tensors(9), config(2));
        Checkpoint.Loaded l = Checkpoint.load(dir);
        assertEquals(2, l.config().get("epoch").getAsInt());
        assertArrayEquals(new float[]{9}, l.tensor("optim.step").data());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temp files left");
        }
    }

    @Test
    void nonFiniteConfigValuesSurvive() {
        JsonObject c = config(1);
        c.addProperty("last_loss", Double.NaN);
        Checkpoint.save(tmp, tensors(1), c);
        assertTrue(Double.isNaN(Checkpoint.load(tmp).config().get("last_loss").getAsDouble()));
    }

    @Test
    void errorsNameTheCheckpoint() throws IOException {
        Path missing = tmp.resolve("nope");
        assertEquals("checkpoint directory " + missing + " does not exist",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(missing)).getMessage());

        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, tensors(1), config(1));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir).tensor("model.nope"))
                .getMessage().contains("checkpoint " + dir + " has no tensor 'model.nope'"));

        Files.delete(dir.resolve("model.safetensors"));
        assertEquals("checkpoint " + dir + " is incomplete: it has no model.safetensors",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)).getMessage());

        Files.delete(dir.resolve("config.json"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir))
                .getMessage().startsWith("checkpoint " + dir + " is incomplete: it has no config.json"));

        Files.writeString(dir.resolve("config.json"), "{\"epoch\": ");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir))
                .getMessage().startsWith(dir.resolve("config.json") + " is not valid JSON"));

        Files.writeString(dir.resolve("config.json"), "[1, 2]");
        assertEquals(dir.resolve("config.json") + " does not hold a JSON object",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)).getMessage());
    }

    @Test
    void aFailedSaveLeavesNoCompleteLookingCheckpoint() throws IOException {
        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, tensors(1), config(1));
        // model.safetensors cannot be replaced (it is a non-empty directory now), so the save fails midway.
        Files.delete(dir.resolve("model.safetensors"));
        Files.createDirectories(dir.resolve("model.safetensors/x"));
        assertThrows(CheckpointException.class, () -> Checkpoint.save(dir, tensors(2), config(2)));
        assertFalse(Files.exists(dir.resolve("config.json")), "old config must not pair with other weights");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)).getMessage().contains("incomplete"));
    }
}
