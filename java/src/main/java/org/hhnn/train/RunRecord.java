package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hhnn.HhnnVersion;
import org.hhnn.backend.cpu.CpuBackend;

/**
 * How a run was made ({@code run.json} in the run folder, and the {@code run} entry of each checkpoint's config):
 * the command line, hhnn's version and git commit (when the code runs from a checkout), Java, host, backend and
 * device, threads, seed, every data file with its size and sha256, and the start and end times (ISO-8601, UTC).
 */
public final class RunRecord {
    public static final String FILE = "run.json";

    private final JsonObject o = new JsonObject();

    /** A record started now for this command line. */
    public RunRecord(List<String> argv) {
        JsonArray a = new JsonArray();
        argv.forEach(a::add);
        o.add("argv", a);
        o.addProperty("version", HhnnVersion.get());
        String commit = gitCommit();
        if (commit != null) o.addProperty("git_commit", commit);
        o.addProperty("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        o.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        o.addProperty("host", host());
        o.addProperty("cores", Runtime.getRuntime().availableProcessors());
        o.addProperty("start", Instant.now().toString());
    }

    /** The backend that computes, the device it runs on in words, and the CPU threads (1 without the native library). */
    public RunRecord backend(org.hhnn.backend.Backend b) {
        o.addProperty("backend", b.name());
        o.addProperty("device", b instanceof org.hhnn.backend.cuda.CudaBackend ? b.toString() : cpuModel());
        o.addProperty("threads", CpuBackend.isAvailable() ? CpuBackend.threads() : 1);
        return this;
    }

    /** The CPU's model name from /proc/cpuinfo (Linux), else the architecture. */
    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (IOException | UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
    }

    public RunRecord seed(long seed) {
        o.addProperty("seed", seed);
        return this;
    }

    /** Records every regular file under {@code dir} (sorted by path) with its size and sha256. */
    public RunRecord dataFiles(Path dir) {
        JsonArray files = new JsonArray();
        if (dir != null && Files.exists(dir)) {
            try (Stream<Path> s = Files.isDirectory(dir) ? Files.walk(dir) : Stream.of(dir)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    JsonObject e = new JsonObject();
                    e.addProperty("path", f.toAbsolutePath().normalize().toString());
                    e.addProperty("size", Files.size(f));
                    e.addProperty("sha256", sha256(f));
                    files.add(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the data files in " + dir + " to record them: " + e.getMessage(), e);
            }
        }
        o.add("data_files", files);
        return this;
    }

    /** The record as it stands (the object itself, not a copy). */
    public JsonObject json() { return o; }

    /** Stamps the end time and writes {@code run.json} into {@code runDir} atomically. */
    public void finish(Path runDir) {
        o.addProperty("end", Instant.now().toString());
        try {
            Files.createDirectories(runDir);
            AtomicFiles.writeJson(runDir.resolve(FILE), o);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** A run.json file as written by {@link #finish}; a defect is a {@link CheckpointException} naming it. */
    public static JsonObject read(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (e.isJsonObject()) return e.getAsJsonObject();
            throw new CheckpointException(file + " does not hold a JSON object");
        } catch (IOException | com.google.gson.JsonParseException e) {
            throw new CheckpointException(file + " is not a readable JSON object"
                    + (e instanceof java.nio.charset.CharacterCodingException ? " (not valid UTF-8)"
                    : e instanceof IOException ? " (" + e.getMessage() + ")" : Safetensors.jsonPosition(e)), e);
        }
    }

    /**
     * The record of the run that wrote a checkpoint: {@code run.json} in the checkpoint directory or one of its two
     * parents (the run folder), else the {@code run} entry of its config; null if it has none.
     */
    public static JsonObject of(Checkpoint.Loaded ck) {
        Path d = ck.dir().toAbsolutePath();
        for (int up = 0; up < 3 && d != null; up++, d = d.getParent()) {
            Path f = d.resolve(FILE);
            if (Files.isRegularFile(f)) return read(f);
        }
        JsonElement r = ck.config().get("run");
        return r != null && r.isJsonObject() ? r.getAsJsonObject() : null;
    }

    /** A few lines for a person: what ran, from which code, where, on what data. */
    public static String describe(JsonObject r) {
        StringBuilder s = new StringBuilder();
        s.append("run: hhnn ").append(str(r, "version"));
        if (r.has("git_commit")) s.append(" (git ").append(str(r, "git_commit")).append(')');
        if (r.has("argv")) {
            List<String> a = r.getAsJsonArray("argv").asList().stream().map(JsonElement::getAsString).toList();
            s.append(", `hhnn ").append(String.join(" ", a)).append('`');
        }
        s.append("\n     backend ").append(str(r, "backend")).append(" on ").append(str(r, "device"))
                .append(", ").append(str(r, "threads")).append(" threads, seed ").append(str(r, "seed"))
                .append(", host ").append(str(r, "host")).append(", ").append(str(r, "start")).append(" to ").append(str(r, "end"));
        if (r.has("data_files")) {
            for (JsonElement e : r.getAsJsonArray("data_files")) {
                JsonObject f = e.getAsJsonObject();
                s.append("\n     data ").append(str(f, "path")).append(' ').append(str(f, "size")).append(" bytes sha256 ")
                        .append(str(f, "sha256"));
            }
        }
        return s.toString();
    }

    private static String str(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The commit of the checkout the code was loaded from (a "-dirty" suffix when it has uncommitted changes), found
     * by asking git in the folder of the jar or classes; null when that is not a git checkout or git is missing.
     */
    static String gitCommit() {
        try {
            Path code = Path.of(RunRecord.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            String head = git(dir, "rev-parse", "HEAD");
            if (head == null || !head.matches("[0-9a-f]{40}")) return null;
            String status = git(dir, "status", "--porcelain", "--untracked-files=no");
            return status != null && !status.isEmpty() ? head + "-dirty" : head;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String git(Path dir, String... args) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
