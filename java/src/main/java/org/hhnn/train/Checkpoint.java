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
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint directory holds one subdirectory per save (DESIGN.md, "Runs, checkpoints and outside tools"), e.g.
 * {@code ck/epoch-0003/} with
 * <ul>
 *   <li>{@code model.safetensors}: every tensor the caller passes (weights, optimizer state), float32;</li>
 *   <li>{@code config.json}: a JSON object the caller builds (model and training config, position, provenance...),
 *       plus the SHA-256 of model.safetensors, so a damaged weight file is recognised.</li>
 * </ul>
 * A save is written as a hidden temporary directory ({@code .epoch-0003.tmp-*}), fsynced and renamed into place; then
 * the file {@code latest}, naming it, is replaced atomically, and saves beyond the last {@link #KEEP} are removed
 * (renamed hidden first, so a half-deleted save is never visible). A kill at any instant therefore leaves the previous
 * save loadable. {@link #load} takes the checkpoint directory (meaning its latest loadable save: an incomplete or
 * corrupt save is skipped with one line naming it) or one save.
 */
public final class Checkpoint {

    public static final String MODEL_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    public static final String LATEST_FILE = "latest";
    /** Saves kept in a checkpoint directory. */
    public static final int KEEP = 2;
    private static final String SHA_KEY = "model_sha256";

    private Checkpoint() {}

    /** The tensors (in file order) and config of a checkpoint. */
    public record Loaded(Path dir, Map<String, NamedTensor> tensors, JsonObject config) {
        /** The tensor called {@code name}; a missing one is a {@link CheckpointException} naming the checkpoint. */
        public NamedTensor tensor(String name) {
            NamedTensor t = tensors.get(name);
            if (t == null) throw new CheckpointException("checkpoint " + dir + " has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
            return t;
        }

        /** The directory new saves of this run go to: the checkpoint directory holding this save. */
        public Path root() { return dir.toAbsolutePath().getParent(); }

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

        /**
         * The class names the run recorded ("classes" of config.json's "data" entry), or null when it recorded none, not
         * count of them, or something other than names.
         */
        public String[] classNames(int count) {
            JsonElement d = config.get("data");
            JsonElement c = d != null && d.isJsonObject() ? d.getAsJsonObject().get("classes") : null;
            if (c == null || !c.isJsonArray() || c.getAsJsonArray().size() != count) return null;
            String[] names = new String[count];
            for (int i = 0; i < count; i++) {
                JsonElement n = c.getAsJsonArray().get(i);
                if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isString()) return null;
                names[i] = n.getAsString();
            }
            return names;
        }

        /**
         * The model config.json's "model" entry names (its own "model" key), or null when it names none: read type-checked,
         * so that a damaged entry is {@link #network}'s one sentence later, not a cast error here.
         */
        public String modelName() {
            JsonElement mc = config.get("model");
            JsonElement name = mc != null && mc.isJsonObject() ? mc.getAsJsonObject().get("model") : null;
            return name != null && name.isJsonPrimitive() && name.getAsJsonPrimitive().isString() ? name.getAsString() : null;
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

    /**
     * Writes a save called {@code name} into the checkpoint directory {@code root} (created if needed) as described
     * in the class comment, points {@code latest} at it and keeps the last {@code keep} saves; returns its directory.
     * Saves sort by name, so names must sort in training order (e.g. {@code epoch-0003}, {@code epoch-0003.step-000045}).
     */
    public static Path save(Path root, String name, List<NamedTensor> tensors, JsonObject config, int keep) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.equals(LATEST_FILE))
            throw new IllegalArgumentException("bad checkpoint name '" + name + "'");
        if (keep < 1) throw new IllegalArgumentException("a checkpoint directory keeps at least 1 save, got " + keep);
        Path target = root.resolve(name);
        Path tmp = null;
        try {
            Files.createDirectories(root);
            // Not Files.createTempDirectory: that makes it owner-only, and the save would keep those permissions.
            tmp = Files.createDirectory(hiddenName(root, name, "tmp"));
            Safetensors.write(tmp.resolve(MODEL_FILE), tensors, Map.of());
            JsonObject c = config.deepCopy();
            c.addProperty(SHA_KEY, sha256(tmp.resolve(MODEL_FILE)));
            AtomicFiles.writeJson(tmp.resolve(CONFIG_FILE), c);
            AtomicFiles.syncDirectory(tmp);
            if (Files.exists(target)) Files.move(target, hiddenName(root, name, "old"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            AtomicFiles.syncDirectory(root);
            AtomicFiles.writeString(root.resolve(LATEST_FILE), name + "\n");
            prune(root, name, keep);
            return target;
        } catch (IOException e) {
            throw new CheckpointException("could not write checkpoint " + target + ": " + e, e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /** Loads path: one save, or a checkpoint directory's latest loadable save (skipped ones named on System.err). */
    public static Loaded load(Path path) {
        return load(path, System.err);
    }

    /**
     * Loads path: one save (a directory with config.json), or a checkpoint directory's latest loadable save: the one
     * {@code latest} names, else the newest by name; an incomplete or corrupt one is skipped with one line on warn
     * naming it, falling back to the one before. Nothing loadable is a {@link CheckpointException}.
     */
    public static Loaded load(Path path, PrintStream warn) {
        if (!Files.isDirectory(path)) throw new CheckpointException("checkpoint directory " + path + " does not exist");
        if (isSave(path)) return loadSave(path);
        List<Path> candidates = saves(path);
        if (candidates.isEmpty())
            throw new CheckpointException("checkpoint directory " + path + " holds no save (no " + CONFIG_FILE + " in it or in a subdirectory)");
        String latest = latestName(path);
        if (latest != null) {
            Path l = path.resolve(latest);
            if (candidates.remove(l) || Files.isDirectory(l)) candidates.add(0, l);
        }
        List<String> skipped = new ArrayList<>();
        CheckpointException first = null;
        for (Path save : candidates) {
            try {
                Loaded l = loadSave(save);
                skipped.forEach(warn::println);   // said only when an earlier save does load: else the error says it
                return l;
            } catch (CheckpointException e) {
                skipped.add("hhnn: skipping checkpoint " + save + ": " + e.getMessage());
                if (skipped.size() == 1) first = e;
            }
        }
        throw new CheckpointException("checkpoint directory " + path + " holds no loadable save (the newest, "
                + candidates.get(0).getFileName() + ", failed: " + first.getMessage() + ")", first);
    }

    /** The visible saves of a checkpoint directory, newest (by name) first. */
    static List<Path> saves(Path root) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            // A folder with a `latest` of its own is a nested checkpoint directory (--keep-best's best/), not a save.
            s.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p)
                    && !Files.exists(p.resolve(LATEST_FILE))).forEach(out::add);
        } catch (IOException e) {
            throw new CheckpointException("could not list checkpoint directory " + root + ": " + e, e);
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        return out;
    }

    private static boolean isSave(Path dir) {
        return Files.exists(dir.resolve(CONFIG_FILE)) || Files.exists(dir.resolve(MODEL_FILE));
    }

    private static String latestName(Path root) {
        try {
            String n = Files.readString(root.resolve(LATEST_FILE)).strip();
            return n.isEmpty() || n.startsWith(".") || n.contains("/") ? null : n;
        } catch (IOException e) {
            return null;  // no latest (an older layout, or a kill before the first one): the newest by name serves
        }
    }

    /** Reads one save written by {@link #save}; a missing, incomplete or damaged one is a {@link CheckpointException}. */
    private static Loaded loadSave(Path dir) {
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
        JsonElement sha = config.getAsJsonObject().get(SHA_KEY);
        if (sha != null) {
            String actual;
            try {
                actual = sha256(modelFile);
            } catch (IOException e) {
                throw new CheckpointException("could not read " + modelFile + ": " + e, e);
            }
            if (!sha.isJsonPrimitive() || !actual.equals(sha.getAsString()))
                throw new CheckpointException(modelFile + " is damaged: its SHA-256 is not the one " + CONFIG_FILE + " records");
        }
        return new Loaded(dir, Safetensors.read(modelFile).tensors(), config.getAsJsonObject());
    }

    /**
     * Keeps the save just written and the keep - 1 saves before it; removes the rest (saves named after it belong to a
     * line of training this run replaced, when it resumed from an earlier save) and leftovers of killed saves.
     */
    private static void prune(Path root, String current, int keep) throws IOException {
        int older = 0;
        for (Path p : saves(root)) {
            String n = p.getFileName().toString();
            if (n.equals(current) || n.compareTo(current) < 0 && ++older < keep) continue;
            Path hidden = hiddenName(root, n, "old");
            Files.move(p, hidden, StandardCopyOption.ATOMIC_MOVE);
            deleteQuietly(hidden);
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".") && Files.isDirectory(p)).toList())
                deleteQuietly(p);   // a temp or half-removed save of a killed process; only one process writes here
        }
    }

    private static Path hiddenName(Path root, String name, String what) {
        return root.resolve("." + name + "." + what + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException ignored) {
            // Hidden leftovers are never loaded, and the next save removes them again.
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
