package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training as a real 2-rank Open MPI job ({@link MpiJob}) against the same training in one process:
 * 50 steps of a global batch of 16 (each rank 8 samples) must give the single-process loss and final weights.
 *
 * <p>Tolerance: the ranks compute the same sums in another grouping (two half-batch means, weighted by 1/2 and
 * summed by MPI, instead of one mean), which moves a gradient by a few float32 roundings per step; the bound is
 * the 1e-5 relative, for the loss and for each weight tensor in the Euclidean norm (README "Beyond one
 * machine" has the measured differences, two orders of magnitude below it). The negative control shows the bound
 * catches a wrong split: one process training on a batch of 8 (what a rank holds) instead of 16 misses it by far.
 */
class DistributedTrainTest {
    static final double REL = 1e-5;

    @TempDir static Path tmp;
    static Path fashion, names;

    @BeforeAll
    static void data() throws Exception {
        fashion = tmp.resolve("fashion");
        TinyFashion.write(fashion, 800, 100, 11);
        names = tmp.resolve("names");
        writeNames(names, 880, 5);
    }

    /** Names of three made-up "languages", each with its own letters, so an LSTM has something to learn. */
    static void writeNames(Path dir, int perClass, long seed) throws Exception {
        Files.createDirectories(dir);
        String[] alphabets = {"aeiklmnorst", "bdfghjuvwyz", "acegikmoqsuwy"};
        Random rng = new Random(seed);
        for (int c = 0; c < alphabets.length; c++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < perClass; i++) {
                int len = 3 + rng.nextInt(6);
                StringBuilder name = new StringBuilder();
                for (int k = 0; k < len; k++) name.append(alphabets[c].charAt(rng.nextInt(alphabets[c].length())));
                name.setCharAt(0, Character.toUpperCase(name.charAt(0)));
                sb.append(name).append('\n');
            }
            Files.writeString(dir.resolve("Lang" + c + ".txt"), sb.toString());
        }
    }

    /** 50 steps per epoch: 800 training samples, no validation part, global batch 16; one thread per process. */
    static String[] common(String model, String dataset, Path data, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model, "--dataset", dataset, "--data", data.toString(),
                "--limit-train", "800", "--val-split", "0", "--batch-size", "16", "--backend", "cpu", "--threads", "1", "--no-progress"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    static String[] join(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    @Test
    void mlpWithDropoutAndAugmentationMatchesOneProcessAcrossAStopAndResume() throws Exception {
        String[] args = common("mlp", "fashion-mnist", fashion, "--dropout", "0.3", "--augment", "--epochs", "2");
        Path one = tmp.resolve("mlp-one"), two = tmp.resolve("mlp-two");
        CliRun.Result s = CliRun.run(join(args, "--checkpoint-dir", one.toString(), "--metrics-out", one + ".json"));
        assertEquals(0, s.code(), s.err());

        // Two ranks: stop after epoch 1 (checkpoint), then both ranks resume from it for epoch 2.
        MpiJob.Result d1 = MpiJob.run(2, 180, join(args, "--checkpoint-dir", two.toString(), "--stop-after", "1"));
        assertEquals(0, d1.code(), d1.err());
        assertTrue(d1.err().contains("INFO data-parallel over 2 ranks"), d1.err());
        assertEquals(1, count(d1.err(), "epoch 1/2 "), "rank 0 alone prints each epoch:\n" + d1.err());
        assertEquals(1, count(d1.err(), "INFO stopping after 1 epoch"), d1.err());
        try (Stream<Path> files = Files.list(two)) {   // one complete save and its pointer, no stray temp file of a second writer
            assertEquals(List.of("epoch-0001", Checkpoint.LATEST_FILE), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(1, Checkpoint.load(two).config().get("epochs_done").getAsInt());
        MpiJob.Result d2 = MpiJob.run(2, 180, join(common("mlp", "fashion-mnist", fashion, "--augment", "--epochs", "2"),
                "--resume", two.toString(), "--metrics-out", two + ".json"));
        assertEquals(0, d2.code(), d2.err());
        assertEquals(1, count(d2.out(), "test_accuracy"), "rank 0 alone tests:\n" + d2.out());

        JsonObject ms = metrics(one + ".json"), md = metrics(two + ".json");
        assertEquals(2, md.getAsJsonObject("distributed").get("ranks").getAsInt());
        assertClose("epoch-1 loss (50 steps)", ms.getAsJsonArray("train_loss").get(0).getAsDouble(), md.getAsJsonArray("train_loss").get(0).getAsDouble());
        assertClose("epoch-2 loss (steps 51-100, after the resume)", ms.getAsJsonArray("train_loss").get(1).getAsDouble(),
                md.getAsJsonArray("train_loss").get(1).getAsDouble());
        assertWeightsClose(one, two);
    }

    @Test
    void rankZeroAloneWritesEverySaveAndRecordAndAllRanksAgreeOnEarlyStop() throws Exception {
        Path run = tmp.resolve("mlp-outputs");
        MpiJob.Result d = MpiJob.run(2, 180, new String[] {"train", "--model", "mlp", "--dataset", "fashion-mnist", "--data",
                fashion.toString(), "--limit-train", "400", "--val-split", "0.2", "--batch-size", "16", "--backend", "cpu",
                "--threads", "1", "--no-progress", "--epochs", "4", "--checkpoint-every", "7", "--keep-best", "--early-stop", "1",
                "--run-dir", run.toString()});
        assertEquals(0, d.code(), d.err());   // a rank that stopped early alone would leave the other in the all-reduce
        assertEquals(1, count(d.out(), "test_accuracy"), d.out());
        try (Stream<Path> files = Files.list(run)) {   // one TensorBoard event file: rank 1 opened none
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).count());
        }
        for (String f : List.of("run.json", "metrics.json")) assertTrue(Files.isRegularFile(run.resolve(f)), f);
        Path ck = run.resolve("checkpoint");
        try (Stream<Path> files = Files.list(ck)) {   // no hidden temporary save of a second writer
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains(Checkpoint.LATEST_FILE) && names.contains("best"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), names.toString());
        }
        int epochs = metrics(run.resolve("metrics.json").toString()).getAsJsonArray("train_loss").size();
        assertEquals(epochs, Checkpoint.load(ck).config().get("epochs_done").getAsInt());
        assertEquals(epochs, count(d.err(), "train_loss"), "rank 0 alone prints each epoch:\n" + d.err());
    }

    @Test
    void hhnnTwoRanksMatchOneProcess() throws Exception {
        twoRanksMatchOneProcess("hhnn", "fashion-mnist", fashion, "--set", "neurons=24", "--set", "steps=50", "--set", "window=25");
    }

    @Test
    void lstmTwoRanksMatchOneProcess() throws Exception {
        twoRanksMatchOneProcess("lstm", "names", names);
    }

    private void twoRanksMatchOneProcess(String model, String dataset, Path data, String... settings) throws Exception {
        String[] args = join(common(model, dataset, data, "--epochs", "1"), settings);
        Path one = tmp.resolve(model + "-one"), two = tmp.resolve(model + "-two");
        CliRun.Result s = CliRun.run(join(args, "--checkpoint-dir", one.toString(), "--metrics-out", one + ".json"));
        assertEquals(0, s.code(), s.err());
        MpiJob.Result d = MpiJob.run(2, 180, join(args, "--checkpoint-dir", two.toString(), "--metrics-out", two + ".json"));
        assertEquals(0, d.code(), d.err());
        JsonObject ms = metrics(one + ".json"), md = metrics(two + ".json");
        assertEquals(2, md.getAsJsonObject("distributed").get("ranks").getAsInt());
        assertClose(model + " loss over 50 steps", ms.getAsJsonArray("train_loss").get(0).getAsDouble(),
                md.getAsJsonArray("train_loss").get(0).getAsDouble());
        assertWeightsClose(one, two);
    }

    @Test
    void negativeControlHalfTheBatchInOneProcessMissesTheBound() {
        Path a = tmp.resolve("ctl-16"), b = tmp.resolve("ctl-8");
        assertEquals(0, CliRun.run(join(common("mlp", "fashion-mnist", fashion, "--epochs", "1"), "--metrics-out", a + ".json")).code());
        String[] half = common("mlp", "fashion-mnist", fashion, "--epochs", "1", "--metrics-out", b + ".json");
        half[List.of(half).indexOf("--batch-size") + 1] = "8";   // what one rank would compute alone
        assertEquals(0, CliRun.run(half).code());
        double la = metrics(a + ".json").getAsJsonArray("train_loss").get(0).getAsDouble();
        double lb = metrics(b + ".json").getAsJsonArray("train_loss").get(0).getAsDouble();
        assertTrue(Math.abs(la - lb) > 100 * REL * Math.abs(la), la + " vs " + lb);
    }

    @Test
    void aKilledRankEndsTheJobWithOneSentence() throws Exception {
        Path ck = tmp.resolve("killed");
        List<String> cmd = MpiJob.launcher(2);
        cmd.addAll(MpiJob.rank(common("mlp", "fashion-mnist", fashion, "--epochs", "1000", "--checkpoint-dir", ck.toString())));
        long[] killedAt = {0};
        MpiJob.Result r = MpiJob.run(cmd, 120, launcher -> {
            try {
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (!Files.exists(ck.resolve(Checkpoint.LATEST_FILE)) && System.nanoTime() < deadline) Thread.sleep(100);
                ProcessHandle rank1 = launcher.descendants().filter(DistributedTrainTest::isRank1).findFirst()
                        .orElseThrow(() -> new AssertionError("no rank 1 process found under mpirun"));
                killedAt[0] = System.nanoTime();
                rank1.destroyForcibly();   // SIGKILL: no goodbye
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        double secondsAfterKill = (System.nanoTime() - killedAt[0]) / 1e9;
        assertNotEquals(0, r.code());
        assertTrue(secondsAfterKill < 20, "the job took " + secondsAfterKill + " s to end after the kill");
        List<String> ours = r.err().lines().filter(l -> l.startsWith("hhnn: ")).toList();
        assertEquals(List.of("hhnn: the MPI job was stopped by its launcher (another rank died or failed, or the job was interrupted); "
                + "the last checkpoint in " + ck + " is kept"), ours, r.err());
        assertTrue(Checkpoint.load(ck).config().get("epochs_done").getAsInt() >= 1);
    }

    @Test
    void aRankWithAnotherConfigurationOrAnUnevenBatchIsRefusedByRankZero() throws Exception {
        List<String> cmd = MpiJob.launcher(1);
        cmd.addAll(MpiJob.rank(common("mlp", "fashion-mnist", fashion, "--epochs", "1")));
        cmd.addAll(List.of(":", "-np", "1"));
        cmd.addAll(MpiJob.rank(common("mlp", "fashion-mnist", fashion, "--epochs", "1", "--lr", "0.002")));
        MpiJob.Result r = MpiJob.run(cmd, 120, p -> {});
        assertNotEquals(0, r.code());
        List<String> ours = r.err().lines().filter(l -> l.startsWith("hhnn: ")).toList();
        assertEquals(1, ours.size(), r.err());
        assertTrue(ours.get(0).startsWith("hhnn: rank 1 was started with a different configuration than rank 0: train.lr is 0.002 there and 0.001 on rank 0"),
                ours.get(0));

        String[] uneven = common("mlp", "fashion-mnist", fashion, "--epochs", "1");
        uneven[List.of(uneven).indexOf("--batch-size") + 1] = "15";
        MpiJob.Result u = MpiJob.run(2, 120, uneven);
        assertNotEquals(0, u.code());
        assertEquals(List.of("hhnn: the global batch of 15 samples does not divide evenly over 2 ranks: give a --batch-size that is a multiple of 2"),
                u.err().lines().filter(l -> l.startsWith("hhnn: ")).toList(), u.err());
    }

    @Test
    void compareOverTwoRanksGivesTheSerialTable() throws Exception {
        Path serial = tmp.resolve("cmp-serial"), spread = tmp.resolve("cmp-spread");
        String[] args = {"compare", "--dataset", "fashion-mnist", "--data", fashion.toString(), "--models", "mlp", "--runs", "4",
            "--limit-train", "160", "--epochs", "1", "--batch-size", "16", "--backend", "cpu", "--threads", "1", "--no-progress"};
        CliRun.Result s = CliRun.run(join(args, "--out", serial.toString()));
        assertEquals(0, s.code(), s.err());
        MpiJob.Result d = MpiJob.run(2, 180, join(args, "--out", spread.toString()));
        assertEquals(0, d.code(), d.err());
        assertEquals(table(s.out()), table(d.out()), "the printed table");
        JsonObject a = metrics(serial.resolve("compare.json").toString()), b = metrics(spread.resolve("compare.json").toString());
        assertEquals(a.get("models"), b.get("models"));
        for (int i = 1; i <= 4; i++) assertTrue(Files.exists(spread.resolve("mlp").resolve("seed-" + i + ".json")));
    }

    private static boolean isRank1(ProcessHandle h) {
        try {
            String env = Files.readString(Path.of("/proc", Long.toString(h.pid()), "environ"), java.nio.charset.StandardCharsets.ISO_8859_1);
            return h.info().command().orElse("").endsWith("java") && List.of(env.split("\0")).contains("OMPI_COMM_WORLD_RANK=1");
        } catch (java.io.IOException e) {
            return false;   // the process has ended
        }
    }

    /** compare's table: stdout from its title on (before it, each run's test line, which only rank 0 prints). */
    private static String table(String out) {
        int at = out.indexOf("fashion-mnist: test accuracy");
        assertTrue(at >= 0, "no table in:\n" + out);
        return out.substring(at);
    }

    private static int count(String text, String what) {
        return (int) text.lines().filter(l -> l.contains(what)).count();
    }

    private static JsonObject metrics(String file) {
        try {
            return JsonParser.parseString(Files.readString(Path.of(file))).getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new AssertionError(file + " was not written", e);
        }
    }

    private static void assertClose(String what, double expected, double actual) {
        double rel = Math.abs(expected - actual) / Math.abs(expected);
        assertTrue(rel <= REL, what + ": one process " + expected + ", two ranks " + actual + " (relative difference " + rel + ")");
        System.err.printf("DistributedTrainTest %s: relative difference %.2e%n", what, rel);
    }

    /** Every model tensor within REL of the single-process one, in the relative Euclidean norm ‖x − y‖ / ‖x‖. */
    private static void assertWeightsClose(Path one, Path two) {
        Map<String, NamedTensor> a = Checkpoint.load(one).tensors(), b = Checkpoint.load(two).tensors();
        assertEquals(a.keySet(), b.keySet());
        int compared = 0;
        double worst = 0;
        for (String k : a.keySet()) {
            if (!k.startsWith("model.")) continue;
            float[] x = a.get(k).data(), y = b.get(k).data();
            double diff = 0, norm = 0;
            for (int i = 0; i < x.length; i++) {
                diff += (double) (x[i] - y[i]) * (x[i] - y[i]);
                norm += (double) x[i] * x[i];
            }
            double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
            assertTrue(rel <= REL, k + ": relative difference " + rel + " between one process and two ranks");
            worst = Math.max(worst, rel);
            compared++;
        }
        assertFalse(compared == 0, "no model tensors in " + one);
        System.err.printf("DistributedTrainTest %s: %d weight tensors, largest relative difference %.2e%n", one.getFileName(), compared, worst);
    }
}
