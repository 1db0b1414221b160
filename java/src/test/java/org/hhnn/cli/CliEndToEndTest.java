package org.hhnn.cli;

import static org.hhnn.cli.CliRun.json;
import static org.hhnn.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on a tiny generated IDX data set: train, metrics, checkpoint, resume, eval, errors. */
class CliEndToEndTest {
    @TempDir static Path tmp;
    @RegisterExtension static final TinyFashion data = new TinyFashion(400, 100, 7);

    String[] train(String backend, int epochs, Path metrics, String... extra) {
        String[] base = {"train", "--data", data.dir().toString(), "--backend", backend, "--epochs", Integer.toString(epochs),
                "--seed", "3", "--batch-size", "32", "--hidden", "32", "--no-progress", "--metrics-out", metrics.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test void trainWritesMetricsAndLearns() throws Exception {
        Path m = tmp.resolve("m.json");
        CliRun.Result r = run(train("reference", 3, m, "--plot", tmp.resolve("c.png").toString()));
        assertEquals(0, r.code(), r.err());
        JsonObject j = json(m);
        for (String k : new String[] {"test_accuracy", "test_loss", "train_loss", "val_accuracy", "seconds", "backend", "seed", "model", "params"})
            assertTrue(j.has(k), "metrics lack " + k + ": " + j);
        assertEquals("reference", j.get("backend").getAsString());
        assertEquals(3, j.getAsJsonArray("train_loss").size());
        assertEquals(784 * 32 + 32 + 32 * 10 + 10, j.get("params").getAsLong());
        assertTrue(j.get("test_accuracy").getAsDouble() > 0.9, "the tiny data set is easy: " + j.get("test_accuracy"));
        assertTrue(r.out().contains("test_accuracy"), r.out());
        assertTrue(Files.size(tmp.resolve("c.png")) > 1000);
    }

    @Test void sameSeedIsBitIdenticalAndResumeContinuesExactly() throws Exception {
        Path a = tmp.resolve("a.json"), b = tmp.resolve("b.json"), c = tmp.resolve("c.json");
        Path ck = tmp.resolve("ck");
        assertEquals(0, run(train("reference", 3, a, "--dropout", "0.2")).code());
        assertEquals(0, run(train("reference", 3, b, "--dropout", "0.2")).code());
        assertEquals(json(a).get("train_loss"), json(b).get("train_loss"), "same seed, same backend: same losses");
        // A 3-epoch run stopped after 1 epoch with a checkpoint, then resumed: the same losses as the straight run.
        assertEquals(0, run(train("reference", 3, c, "--dropout", "0.2", "--checkpoint-dir", ck.toString(), "--stop-after", "1")).code());
        assertEquals(1, json(c).getAsJsonArray("train_loss").size());
        CliRun.Result resumed = run(train("reference", 3, c, "--resume", ck.toString()));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(json(a).get("train_loss"), json(c).get("train_loss"), "resumed run diverged from the straight run");
        assertEquals(json(a).get("test_accuracy"), json(c).get("test_accuracy"));
        // eval on the final checkpoint reproduces the test accuracy
        CliRun.Result ev = run("eval", "--checkpoint", ck.toString(), "--data", data.dir().toString(), "--backend", "reference", "--json");
        assertEquals(0, ev.code(), ev.err());
        assertEquals(json(a).get("test_accuracy").getAsDouble(),
                JsonParser.parseString(ev.out()).getAsJsonObject().get("test_accuracy").getAsDouble(), 1e-12);
    }

    /** The lr schedule defaults per model (TrainConfig.defaultLrSteps) and --lr-steps overrides it. */
    @Test void lrScheduleDefaultsPerModel() throws Exception {
        Path a = tmp.resolve("sched-mlp.json"), b = tmp.resolve("sched-cnn.json"), c = tmp.resolve("sched-none.json");
        assertEquals(0, run(train("cpu", 1, a, "--limit-train", "64")).code());
        assertEquals("[0.5,0.8]", json(a).getAsJsonObject("train_config").get("lr_steps").toString());
        CliRun.Result r = run("train", "--data", data.dir().toString(), "--backend", "cpu", "--model", "cnn", "--epochs", "1",
                "--limit-train", "64", "--no-progress", "--metrics-out", b.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[0.8]", json(b).getAsJsonObject("train_config").get("lr_steps").toString());
        assertEquals(0, run(train("cpu", 1, c, "--limit-train", "64", "--lr-steps", "none")).code());
        assertEquals("[]", json(c).getAsJsonObject("train_config").get("lr_steps").toString());
    }

    @Test void augmentationChangesWhatTrainingSees() throws Exception {
        Path a = tmp.resolve("aug0.json"), b = tmp.resolve("aug1.json"), c = tmp.resolve("aug2.json");
        assertEquals(0, run(train("reference", 1, a)).code());
        CliRun.Result r = run(train("reference", 1, b, "--augment"));
        assertEquals(0, r.code(), r.err());
        assertNotEquals(json(a).get("train_loss"), json(b).get("train_loss"), "--augment must change the training batches");
        assertEquals(0, run(train("reference", 1, c, "--augment")).code());
        assertEquals(json(b).get("train_loss"), json(c).get("train_loss"), "augmentation is seeded: same seed, same losses");
    }

    @Test void differentSeedsDiffer() throws Exception {
        Path a = tmp.resolve("s1.json"), b = tmp.resolve("s2.json");
        assertEquals(0, run(train("reference", 1, a)).code());
        String[] args = train("reference", 1, b);
        args[8] = "4"; // --seed
        assertEquals(0, run(args).code());
        assertNotEquals(json(a).get("train_loss"), json(b).get("train_loss"));
    }

    @Test void truncatedIdxFileFailsWithOneSentence() throws Exception {
        Path bad = tmp.resolve("bad");
        TinyFashion.write(bad, 50, 20, 1);
        Path labels = bad.resolve("t10k-labels-idx1-ubyte.gz");
        Files.delete(labels);
        org.hhnn.data.IdxWriter.writeLabels(labels, new int[5], true); // 5 labels for 20 images
        Path img = bad.resolve("train-images-idx3-ubyte.gz");
        byte[] raw = java.util.zip.GZIPInputStream.class.cast(new java.util.zip.GZIPInputStream(Files.newInputStream(img))).readAllBytes();
        Files.delete(img);
        Path rawImg = bad.resolve("train-images-idx3-ubyte");
        Files.write(rawImg, java.util.Arrays.copyOf(raw, raw.length / 2));
        CliRun.Result r = run("train", "--data", bad.toString(), "--backend", "reference", "--epochs", "1", "--no-progress");
        assertEquals(1, r.code());
        String line = r.err().lines().filter(l -> l.startsWith("hhnn:")).findFirst().orElse("");
        assertTrue(line.contains("train-images-idx3-ubyte") && line.contains("truncated"), r.err());
    }

    @Test void badFlagsAndBackendsFailClearly() {
        CliRun.Result r = run("train", "--data", data.dir().toString(), "--backend", "tpu", "--epochs", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("tpu"), r.err());
        if (!org.hhnn.backend.cuda.CudaBackend.isAvailable()) {
            CliRun.Result c = run("train", "--data", data.dir().toString(), "--backend", "cuda", "--epochs", "1");
            assertEquals(1, c.code());
            assertTrue(c.err().contains("cuda") && c.err().lines().filter(l -> l.startsWith("hhnn:")).count() == 1, c.err());
        }
        CliRun.Result e = run("train", "--data", data.dir().toString(), "--backend", "reference", "--epochs", "0");
        assertEquals(1, e.code());
        assertTrue(e.err().contains("--epochs"), e.err());
        CliRun.Result u = run("train", "--no-such-flag");
        assertEquals(2, u.code());
        CliRun.Result missing = run("train", "--data", tmp.resolve("nowhere").toString(), "--backend", "reference");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nowhere"), missing.err());
    }

    @Test void infoJsonNamesEachBackend() {
        CliRun.Result r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String b : new String[] {"reference", "cpu", "cuda"})
            assertTrue(j.getAsJsonObject("backends").has(b), r.out());
        assertTrue(j.getAsJsonObject("backends").getAsJsonObject("reference").get("available").getAsBoolean());
        JsonObject cuda = j.getAsJsonObject("backends").getAsJsonObject("cuda");
        assertEquals(org.hhnn.backend.cuda.CudaBackend.isAvailable(), cuda.get("available").getAsBoolean());
        if (!cuda.get("available").getAsBoolean()) assertTrue(cuda.has("cause") && !cuda.get("cause").getAsString().isBlank(), r.out());
        // The launcher installs Open MPI, so the MPI part is built and loads (its library answers without MPI_Init).
        JsonObject mpi = j.getAsJsonObject("mpi");
        assertTrue(mpi.get("available").getAsBoolean(), r.out());
        assertTrue(mpi.get("library").getAsString().contains("MPI"), r.out());
        assertEquals(false, mpi.get("launched").getAsBoolean(), "the tests run without a launcher");
    }

    @Test void everyCommandHasHelp() {
        for (String c : new String[] {"train", "eval", "info", "demo", "bench"}) {
            CliRun.Result r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage"), c + ": " + r.out());
        }
    }
}
