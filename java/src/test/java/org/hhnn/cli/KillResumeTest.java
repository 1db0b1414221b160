package org.hhnn.cli;

import static org.hhnn.cli.CliRun.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hhnn.TestSeeds;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `hhnn train` in a child JVM, killed with SIGKILL at 50 random instants (many inside a save, which happens after
 * every step here) and resumed after each kill: every time, each visible save must load (saves appear only whole),
 * and every run that reaches its end must end with the weights and metrics of the uninterrupted run. Also SIGTERM and
 * SIGINT: the run saves at the next step boundary, exits, and resumes to the same end.
 */
class KillResumeTest {
    @TempDir static Path tmp;
    @RegisterExtension static final TinyFashion data = new TinyFashion(120, 40, 3);
    static final int KILLS = 50;

    static List<String> trainArgs(Path ck, Path metrics) {
        return List.of("train", "--data", data.dir().toString(), "--backend", "reference", "--model", "mlp", "--hidden", "8",
                "--epochs", "2", "--batch-size", "8", "--seed", "3", "--no-progress", "--checkpoint-dir", ck.toString(),
                "--checkpoint-every", "1", "--metrics-out", metrics.toString());
    }

    /** A longer run without periodic saves, so the save a signal makes is one of its own, mid-run. */
    static List<String> signalArgs(Path ck, Path metrics) {
        List<String> a = new ArrayList<>(trainArgs(ck, metrics));
        a.set(a.indexOf("--checkpoint-every") + 1, "0");
        a.set(a.indexOf("--epochs") + 1, "30");
        return a;
    }

    /**
     * A child JVM running the CLI, quick to start: no JIT beyond C1, no native library (the reference backend), and the
     * classes it loads archived by the first child (AppCDS) and mapped by the others, which halves their start-up.
     */
    static Process start(List<String> args, Path log) throws IOException {
        Path archive = tmp.resolve("classes.jsa");
        // A job started in the background of a non-interactive shell inherits SIGINT ignored, and a JVM leaves an
        // ignored SIGINT alone, so the SIGINT case would test the harness; perl (Debian's essential perl-base) puts
        // the default disposition back before it execs the child JVM.
        List<String> cmd = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec {$ARGV[0]} @ARGV or die \"exec: $!\\n\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Xlog:disable",
                Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive,
                "-cp", childClasspath(), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String classpath;

    /** This JVM's class path with each directory (AppCDS takes jars only) packed into a jar, test classes left out. */
    static synchronized String childClasspath() throws IOException {
        if (classpath != null) return classpath;
        List<String> parts = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (!Files.isDirectory(p)) {
                parts.add(e);
            } else if (!p.endsWith("test-classes")) {
                Path jar = tmp.resolve("classes-" + parts.size() + ".jar");
                try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new java.util.jar.JarEntry(p.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                parts.add(jar.toString());
            }
        }
        classpath = String.join(java.io.File.pathSeparator, parts);
        return classpath;
    }

    /** A first child run that writes the class archive (slower than the others, so it is not the one timed). */
    static synchronized void warmUp() throws Exception {
        if (Files.exists(tmp.resolve("classes.jsa"))) return;
        Path log = tmp.resolve("warm-up.log");
        assertEquals(0, finish(start(trainArgs(tmp.resolve("warm-up"), tmp.resolve("warm-up.json")), log)), Files.readString(log));
    }

    static int finish(Process p) throws InterruptedException {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("a training child did not end within 2 minutes");
        }
        return p.exitValue();
    }

    static List<String> withResume(List<String> args, Path ck) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("--resume", ck.toString()));
        return a;
    }

    /** Every visible save loads; returns how many there are. */
    static int checkSaves(Path ck, String when) throws IOException {
        if (!Files.isDirectory(ck)) return 0;
        int n = 0;
        try (Stream<Path> s = Files.list(ck)) {
            for (Path save : s.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).toList()) {
                try {
                    Checkpoint.load(save);
                } catch (RuntimeException e) {
                    fail(when + ": save " + save + " is visible but does not load: " + e.getMessage());
                }
                n++;
            }
        }
        if (n > 0) Checkpoint.load(ck, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        return n;
    }

    static boolean hasTempSave(Path ck) throws IOException {
        if (!Files.isDirectory(ck)) return false;
        try (Stream<Path> s = Files.list(ck)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("\\..*\\.tmp-.*"));
        }
    }

    /** The end of a run: its metrics' figures and the bits of its last save's tensors. */
    static void assertSameEnd(Path ckA, Path mA, Path ckB, Path mB, String what) throws IOException {
        JsonObject a = json(mA), b = json(mB);
        for (String k : new String[] {"train_loss", "val_loss", "val_accuracy", "test_accuracy", "test_loss"})
            assertEquals(a.get(k), b.get(k), what + ": " + k);
        assertTrue(b.get("finished").getAsBoolean(), what);
        Checkpoint.Loaded x = Checkpoint.load(ckA), y = Checkpoint.load(ckB);
        assertEquals(x.config().get("step"), y.config().get("step"), what);
        assertEquals(x.tensors().keySet(), y.tensors().keySet(), what);
        for (Map.Entry<String, NamedTensor> e : x.tensors().entrySet()) {
            float[] u = e.getValue().data(), v = y.tensors().get(e.getKey()).data();
            for (int i = 0; i < u.length; i++)
                if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i]))
                    fail(what + ": " + e.getKey() + "[" + i + "] = " + v[i] + ", the uninterrupted run has " + u[i]);
        }
    }

    @Test void killedAtFiftyRandomInstantsEachRunEndsAsTheUninterruptedOne() throws Exception {
        Path ckStraight = tmp.resolve("straight"), mStraight = tmp.resolve("straight.json");
        warmUp();
        long t0 = System.nanoTime();
        assertEquals(0, finish(start(trainArgs(ckStraight, mStraight), tmp.resolve("straight.log"))), Files.readString(tmp.resolve("straight.log")));
        long fullMs = (System.nanoTime() - t0) / 1_000_000;

        long seed = TestSeeds.fresh();
        Random rnd = new Random(seed);
        int kills = 0, episodes = 0, insideSave = 0, cycles = 0;
        while (kills < KILLS) {
            episodes++;
            Path ck = tmp.resolve("ep" + episodes), m = tmp.resolve("ep" + episodes + ".json");
            boolean everSaved = false;
            while (true) {
                cycles++;
                List<String> args = everSaved ? withResume(trainArgs(ck, m), ck) : trainArgs(ck, m);
                Path log = tmp.resolve("ep" + episodes + "-" + cycles + ".log");
                Process p = start(args, log);
                // Uniform over the whole run, so kills land at start-up, in steps, in saves, and in the final test.
                long delay = (long) (rnd.nextDouble() * fullMs);
                boolean ended = p.waitFor(delay, TimeUnit.MILLISECONDS);
                if (ended || kills >= KILLS) {
                    int code = finish(p);
                    assertEquals(0, code, "seed " + seed + ": " + Files.readString(log));
                    break;
                }
                p.destroyForcibly();   // SIGKILL
                p.waitFor();
                kills++;
                if (hasTempSave(ck)) insideSave++;
                int saves = checkSaves(ck, "seed " + seed + ", after kill " + kills);
                assertTrue(saves > 0 || !everSaved, "seed " + seed + ": after kill " + kills + " no save is left although one was made before");
                everSaved |= saves > 0;
            }
            assertSameEnd(ckStraight, mStraight, ck, m, "seed " + seed + ", episode " + episodes);
        }
        System.err.printf("KillResumeTest: %d kills (%d inside a save) over %d episodes, %d child runs; full run %d ms%n",
                kills, insideSave, episodes, cycles, fullMs);
        assertTrue(insideSave > 0, "seed " + seed + ": no kill landed inside a save; the test did not test that");
    }

    @Test void sigtermAndSigintSaveAtTheNextStepAndTheRunResumesToTheSameEnd() throws Exception {
        Path ckStraight = tmp.resolve("s-straight"), mStraight = tmp.resolve("s-straight.json");
        warmUp();
        assertEquals(0, finish(start(signalArgs(ckStraight, mStraight), tmp.resolve("s-straight.log"))));
        for (String signal : new String[] {"TERM", "INT"}) {
            Path ck = tmp.resolve("sig-" + signal), m = tmp.resolve("sig-" + signal + ".json"), log = tmp.resolve("sig-" + signal + ".log");
            Process p = start(signalArgs(ck, m), log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // The hook is in place once training runs, which the model line announces.
            while (!Files.readString(log).contains("INFO model") && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(100);
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
            int code = finish(p);
            String out = Files.readString(log);
            assertEquals(signal.equals("TERM") ? 143 : 130, code, out);
            assertTrue(out.contains("INFO stopped at epoch") || out.contains("INFO stopped after epoch"), out);
            assertTrue(checkSaves(ck, "after SIG" + signal) > 0, out);
            assertEquals(0, finish(start(withResume(signalArgs(ck, m), ck), tmp.resolve("sig-" + signal + "-resume.log"))));
            assertSameEnd(ckStraight, mStraight, ck, m, "after SIG" + signal);
        }
    }
}
