package org.hhnn.train;

import com.google.gson.JsonObject;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Loads root, capturing the lines about skipped saves. */
    private static Checkpoint.Loaded load(Path root, StringBuilder warnings) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Checkpoint.Loaded l = Checkpoint.load(root, new PrintStream(b, true, StandardCharsets.UTF_8));
        warnings.append(b.toString(StandardCharsets.UTF_8));
        return l;
    }

    private static int epoch(Checkpoint.Loaded l) { return l.config().get("epoch").getAsInt(); }

    @Test
    void saveThenLoadTheParentOrOneSave() throws IOException {
        Path root = tmp.resolve("run/ck");  // parents are created
        Path save = Checkpoint.save(root, "epoch-0001", tensors(1), config(1), 2);
        assertEquals(root.resolve("epoch-0001"), save);
        assertEquals(List.of("epoch-0001", "latest"), names(root), "nothing hidden left behind");
        assertEquals("epoch-0001\n", Files.readString(root.resolve("latest")));
        assertEquals(List.of("config.json", "model.safetensors"), names(save));
        for (Path p : new Path[] {root, save}) {
            Checkpoint.Loaded l = Checkpoint.load(p);
            JsonObject c = l.config().deepCopy();
            assertTrue(c.remove("model_sha256").getAsString().matches("[0-9a-f]{64}"));
            assertEquals(config(1), c);
            assertEquals(List.of("model.fc1.weight", "optim.step"), List.copyOf(l.tensors().keySet()));
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, l.tensor("model.fc1.weight").data());
            assertEquals(root.toAbsolutePath(), l.root());
        }
        assertTrue(Files.readString(save.resolve("config.json")).contains("\n  \"epoch\": 1"), "pretty-printed");
    }

    @Test
    void keepsTheLastTwoSavesAndLatestNamesTheNewest() throws IOException {
        Path root = tmp.resolve("ck");
        for (int e = 1; e <= 4; e++) Checkpoint.save(root, String.format("epoch-%04d", e), tensors(e), config(e), 2);
        assertEquals(List.of("epoch-0003", "epoch-0004", "latest"), names(root));
        assertEquals(4, epoch(Checkpoint.load(root)));
        assertArrayEquals(new float[]{4}, Checkpoint.load(root).tensor("optim.step").data());
        // Saving an earlier name again (a run resumed from an earlier save) replaces it and drops the later line.
        Checkpoint.save(root, "epoch-0003", tensors(9), config(3), 2);
        assertEquals(List.of("epoch-0003", "latest"), names(root));
        assertArrayEquals(new float[]{9}, Checkpoint.load(root).tensor("optim.step").data());
    }

    /**
     * A save killed at any point leaves one of these states (the save writes a hidden temp directory, renames it into
     * place, then replaces latest, then prunes); in each the previous save must still load.
     */
    @Test
    void aCrashedSaveKeepsThePreviousCheckpointLoadable() throws IOException {
        Path root = tmp.resolve("ck");
        Checkpoint.save(root, "epoch-0001", tensors(1), config(1), 2);
        Checkpoint.save(root, "epoch-0002", tensors(2), config(2), 2);

        // 1. Killed while writing the temp directory: a hidden partial save, never looked at.
        Path partial = Files.createDirectories(root.resolve(".epoch-0003.tmp-abc"));
        Files.write(partial.resolve("model.safetensors"), new byte[] {1, 2, 3});
        StringBuilder w = new StringBuilder();
        assertEquals(2, epoch(load(root, w)));
        assertEquals("", w.toString(), "hidden temp directories are not saves");

        // 2. Killed after the rename of the old epoch-0003 aside, before the new one landed: latest names nothing.
        Files.writeString(root.resolve("latest"), "epoch-0003\n");
        assertEquals(2, epoch(load(root, new StringBuilder())));

        // 3. A visible save that is incomplete (no config.json), named by latest: skipped with one line, previous loads.
        Path broken = Files.createDirectories(root.resolve("epoch-0003"));
        Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3});
        w = new StringBuilder();
        assertEquals(2, epoch(load(root, w)));
        assertEquals(1, w.toString().lines().count(), w.toString());
        assertTrue(w.toString().startsWith("hhnn: skipping checkpoint " + broken + ": ") && w.toString().contains("incomplete"), w.toString());

        // 4. The newest save damaged on disk (a flipped byte in its weights): its checksum fails, the one before loads.
        Checkpoint.save(root, "epoch-0003", tensors(3), config(3), 3);
        Path weights = root.resolve("epoch-0003/model.safetensors");
        byte[] b = Files.readAllBytes(weights);
        b[b.length - 1] ^= 1;
        Files.write(weights, b);
        w = new StringBuilder();
        assertEquals(2, epoch(load(root, w)));
        assertTrue(w.toString().contains("is damaged: its SHA-256 is not the one config.json records"), w.toString());

        // 5. A save that fails part way (a tensor name safetensors refuses) leaves the directory as it was.
        List<String> before = names(root);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(root, "epoch-0004",
                List.of(new NamedTensor("a", new int[]{1}, new float[]{1}), new NamedTensor("a", new int[]{1}, new float[]{1})), config(4), 2));
        assertEquals(before, names(root));
        assertEquals(2, epoch(load(root, new StringBuilder())));

        // Nothing loadable at all: one sentence naming the directory.
        Path none = Files.createDirectories(tmp.resolve("none/epoch-0001"));
        Files.writeString(none.resolve("config.json"), "{");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(tmp.resolve("none"), new PrintStream(
                java.io.OutputStream.nullOutputStream())));
        assertTrue(e.getMessage().startsWith("checkpoint directory " + tmp.resolve("none") + " holds no loadable save"), e.getMessage());
    }

    @Test
    void nonFiniteConfigValuesSurvive() {
        JsonObject c = config(1);
        c.addProperty("last_loss", Double.NaN);
        Checkpoint.save(tmp, "epoch-0001", tensors(1), c, 2);
        assertTrue(Double.isNaN(Checkpoint.load(tmp).config().get("last_loss").getAsDouble()));
    }

    @Test
    void errorsNameTheCheckpoint() throws IOException {
        Path missing = tmp.resolve("nope");
        assertEquals("checkpoint directory " + missing + " does not exist",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(missing)).getMessage());
        Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(tmp.resolve("empty"))).getMessage()
                .startsWith("checkpoint directory " + tmp.resolve("empty") + " holds no save"));

        Path dir = Checkpoint.save(tmp.resolve("ck"), "epoch-0001", tensors(1), config(1), 2);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir).tensor("model.nope"))
                .getMessage().contains("checkpoint " + dir + " has no tensor 'model.nope'"));

        String config = Files.readString(dir.resolve("config.json"));
        Files.delete(dir.resolve("config.json"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir))
                .getMessage().startsWith("checkpoint " + dir + " is incomplete: it has no config.json"));

        Files.writeString(dir.resolve("config.json"), config);
        Files.delete(dir.resolve("model.safetensors"));
        assertEquals("checkpoint " + dir + " is incomplete: it has no model.safetensors",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)).getMessage());

        Files.writeString(dir.resolve("config.json"), "{\"epoch\": ");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir))
                .getMessage().startsWith(dir.resolve("config.json") + " is not valid JSON"));

        Files.writeString(dir.resolve("config.json"), "[1, 2]");
        assertEquals(dir.resolve("config.json") + " does not hold a JSON object",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)).getMessage());
    }

    /** The class names a run recorded; a damaged entry is no names (predict then prints class numbers), not a crash. */
    @Test
    void classNamesAreTheRecordedOnesOrNone() {
        JsonObject config = com.google.gson.JsonParser.parseString("{\"data\": {\"classes\": [\"cat\", \"dog\"]}}").getAsJsonObject();
        Checkpoint.Loaded ck = new Checkpoint.Loaded(Path.of("ck"), java.util.Map.of(), config);
        assertArrayEquals(new String[] {"cat", "dog"}, ck.classNames(2));
        assertNull(ck.classNames(3), "another number of classes than the model's");
        config.getAsJsonObject("data").add("classes", com.google.gson.JsonParser.parseString("[\"cat\", {\"a\": 1}]"));
        assertNull(ck.classNames(2), "a name that is not a string");
        config.remove("data");
        assertNull(ck.classNames(2));
    }
}
