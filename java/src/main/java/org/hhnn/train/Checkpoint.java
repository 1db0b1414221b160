package org.hhnn.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.hhnn.train.Safetensors.NamedTensor;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint is a directory with two files:
 * <ul>
 *   <li>{@code model.safetensors}: every tensor the caller passes (weights, optimizer state), float32;</li>
 *   <li>{@code config.json}: a JSON object the caller builds (model and optimizer config, epoch, step,
 *       seed, backend, data provenance...).</li>
 * </ul>
 * {@code config.json} is written last and is what makes a checkpoint complete. Each file is replaced
 * atomically, so a previous complete checkpoint in the same directory is only ever replaced by complete
 * files; the pair is not replaced as a unit, so {@link #save} first removes the old {@code config.json}.
 * A crash during a save therefore leaves a directory that {@link #load} refuses as incomplete, never
 * new weights paired with an old config. Save each epoch to its own directory to keep the previous one
 * through a crash.
 */
public final class Checkpoint {

    public static final String MODEL_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";

    private Checkpoint() {}

    /** The tensors (in file order) and config of a checkpoint. */
    public record Loaded(Path dir, Map<String, NamedTensor> tensors, JsonObject config) {
        /** The tensor called {@code name}; a missing one is a {@link CheckpointException} naming the checkpoint. */
        public NamedTensor tensor(String name) {
            NamedTensor t = tensors.get(name);
            if (t == null) throw new CheckpointException("checkpoint " + dir + " has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
            return t;
        }
    }

    /** Writes a checkpoint into {@code dir}, creating it if needed; see the class comment for crash behaviour. */
    public static void save(Path dir, List<NamedTensor> tensors, JsonObject config) {
        Path configFile = dir.resolve(CONFIG_FILE);
        try {
            Files.createDirectories(dir);
            // Until the new config.json lands, the directory must not look complete.
            Files.deleteIfExists(configFile);
        } catch (IOException e) {
            throw new CheckpointException("could not prepare checkpoint directory " + dir + ": " + e, e);
        }
        Safetensors.write(dir.resolve(MODEL_FILE), tensors, Map.of());
        try {
            AtomicFiles.writeJson(configFile, config);
        } catch (IOException e) {
            throw new CheckpointException("could not write " + configFile + ": " + e, e);
        }
    }

    /** Reads a checkpoint written by {@link #save}; a missing or incomplete one is a {@link CheckpointException}. */
    public static Loaded load(Path dir) {
        if (!Files.isDirectory(dir)) throw new CheckpointException("checkpoint directory " + dir + " does not exist");
        Path configFile = dir.resolve(CONFIG_FILE);
        String text;
        try {
            text = Files.readString(configFile);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + dir + " is incomplete: it has no " + CONFIG_FILE + " (was a save interrupted?)");
        } catch (CharacterCodingException e) {
            throw new CheckpointException(configFile + " is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new CheckpointException("could not read " + configFile + ": " + e, e);
        }
        JsonElement config;
        try {
            config = JsonParser.parseString(text);  // lenient: save writes NaN and Infinity as they are
        } catch (JsonParseException e) {
            throw new CheckpointException(configFile + " is not valid JSON" + Safetensors.jsonPosition(e), e);
        }
        if (!config.isJsonObject()) throw new CheckpointException(configFile + " does not hold a JSON object");
        Path modelFile = dir.resolve(MODEL_FILE);
        if (!Files.exists(modelFile)) throw new CheckpointException("checkpoint " + dir + " is incomplete: it has no " + MODEL_FILE);
        return new Loaded(dir, Safetensors.read(modelFile).tensors(), config.getAsJsonObject());
    }
}
