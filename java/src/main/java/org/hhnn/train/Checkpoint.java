package org.hhnn.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.hhnn.backend.Backend;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Safetensors.NamedTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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

        /** The directory new saves of this run go to. */
        public Path root() { return dir; }

        /** A file of this save, for messages. */
        public Path file(String name) { return dir.resolve(name); }

        /** The data set the run trained on as recorded (its "train" or "data" entry), or null when none is recorded. */
        public String dataset() {
            for (String section : new String[] {"train", "data"}) {
                JsonElement o = config.get(section);
                JsonElement d = o != null && o.isJsonObject() ? o.getAsJsonObject().get("dataset") : null;
                if (d != null && d.isJsonPrimitive() && d.getAsJsonPrimitive().isString()) return d.getAsString();
            }
            return null;
        }

        /** Copies tensor {@code name} into {@code into}; a missing tensor or another shape is a CheckpointException. */
        public void loadInto(String name, Tensor into) {
            NamedTensor nt = tensors.get(name);
            if (nt == null)
                throw new CheckpointException(dir + ": tensor '" + name + "' is missing from the checkpoint");
            if (!Arrays.equals(nt.shape(), into.shape()))
                throw new CheckpointException(dir + ": tensor '" + name + "' has shape " + Arrays.toString(nt.shape())
                        + " but the model expects " + Arrays.toString(into.shape()));
            into.backend().upload(nt.data(), into.buffer());
        }

        /**
         * Rebuilds the network config.json's "model" object describes (dropout seeds from {@code seed}) and loads its
         * weights. A "model" entry this version cannot build is a CheckpointException naming config.json.
         */
        public Network network(Backend backend, long seed) {
            JsonElement mc = config.get("model");
            if (mc == null || !mc.isJsonObject())
                throw new CheckpointException(file(CONFIG_FILE) + (mc == null ? " has no \"model\" entry" : "'s \"model\" entry is not an object")
                        + "; is this an hhnn checkpoint?");
            Network net;
            try {
                net = Models.build(mc.getAsJsonObject(), backend, seed);
            } catch (RuntimeException e) {
                // Whatever the builder trips over (a missing key, a string for a number...), the file is what is wrong.
                throw new CheckpointException(file(CONFIG_FILE) + ": the \"model\" entry does not describe a model this version can build ("
                        + (e.getMessage() != null ? e.getMessage() : e.toString()) + ")", e);
            }
            for (Map.Entry<String, Tensor> e : net.body.namedState().entrySet()) loadInto("model." + e.getKey(), e.getValue());
            return net;
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
        } catch (IOException e) {
            throw new CheckpointException("could not read " + configFile + ": " + e, e);
        }
        JsonElement config;
        try {
            config = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new CheckpointException(configFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!config.isJsonObject()) throw new CheckpointException(configFile + " does not hold a JSON object");
        Path modelFile = dir.resolve(MODEL_FILE);
        if (!Files.exists(modelFile)) throw new CheckpointException("checkpoint " + dir + " is incomplete: it has no " + MODEL_FILE);
        return new Loaded(dir, Safetensors.read(modelFile).tensors(), config.getAsJsonObject());
    }
}
