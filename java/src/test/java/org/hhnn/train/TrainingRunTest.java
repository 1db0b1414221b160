package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.data.DataSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's training run: settings → data → model → trainer → metrics, and resuming the run a checkpoint recorded. */
class TrainingRunTest {
    @TempDir Path tmp;
    static final Backend REF = Backends.get("reference");
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static final DataSets.TrainTest DATA = TinyData.trainTest(240, 80, 11);

    static TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.hidden = new int[] {12};
        c.dropout = 0.1f;   // dropout draws seeds: resuming must continue their stream
        c.batchSize = 16;
        c.epochs = 4;
        c.seed = 5;
        c.lr = 0.01f;
        c.progress = false;
        return c;
    }

    @Test void aRunTrainsTestsAndWritesItsMetrics() throws Exception {
        Path m = tmp.resolve("m.json");
        TrainingRun.Result r = new TrainingRun(config(), REF).data(DATA).log(QUIET).metricsOut(m).run();
        JsonObject j = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        assertEquals(JsonParser.parseString(r.metrics().toString()), j);
        assertEquals(4, j.getAsJsonArray("train_loss").size());
        assertEquals(16 * 12 + 12 + 12 * 4 + 4, j.get("params").getAsLong());
        assertTrue(r.testAccuracy() > 0.8, "the tiny data set is easy: " + r.testAccuracy());
        assertEquals(r.testAccuracy(), j.get("test_accuracy").getAsDouble());
        JsonObject tc = j.getAsJsonObject("train_config");
        assertEquals(0.01f, tc.get("lr").getAsFloat());
        assertEquals(16, tc.get("batch_size").getAsInt());
        assertEquals("[12]", tc.get("hidden").toString());
        assertEquals("[0.5,0.8]", tc.get("lr_steps").toString(), "the model's default schedule, resolved");
    }

    /** A run stopped in its first epoch has no epoch to draw: it writes its metrics and run record, and no curves. */
    @Test void aRunStoppedInItsFirstEpochWritesNoCurves() throws Exception {
        TrainConfig c = config();
        c.checkpointDir = tmp.resolve("ck");
        Path dir = tmp.resolve("run");
        TrainingRun run = new TrainingRun(c, REF).data(DATA).log(QUIET).runDir(dir);
        run.listener(new TrainingListener() {
            @Override public void onStep(Trainer t, int epoch, int batch, long step, float loss) { if (step == 2) t.requestStop(); }
        });
        TrainingRun.Result r = run.run();
        assertEquals(0, r.trainer().history().size());
        assertEquals(0, JsonParser.parseString(Files.readString(dir.resolve("metrics.json"))).getAsJsonObject().getAsJsonArray("train_loss").size());
        assertTrue(Files.exists(dir.resolve(RunRecord.FILE)));
        assertTrue(!Files.exists(dir.resolve("curves.png")), "no curves without a finished epoch");
    }

    /** The run a checkpoint recorded continues with its own epochs and data limit, not the defaults, to the same losses. */
    @Test void resumeContinuesTheRecordedRun() {
        TrainConfig straight = config();
        straight.limitTrain = 200;
        TrainingRun.Result a = new TrainingRun(straight, REF).data(DATA).log(QUIET).run();

        TrainConfig first = config();
        first.limitTrain = 200;
        first.stopAfter = 1;
        first.checkpointDir = tmp.resolve("ck");
        TrainingRun.Result stopped = new TrainingRun(first, REF).data(DATA).log(QUIET).run();
        assertEquals(1, stopped.trainer().history().size());
        assertNotEquals(new TrainConfig().epochs, first.epochs, "the test needs epochs other than the default");

        TrainingRun.Result b = TrainingRun.resume(tmp.resolve("ck"), new JsonObject(), REF).data(DATA).log(QUIET).run();
        assertEquals(a.metrics().get("train_loss"), b.metrics().get("train_loss"));
        assertEquals(a.metrics().get("val_loss"), b.metrics().get("val_loss"));
        assertEquals(a.testAccuracy(), b.testAccuracy());
        assertEquals(180, b.metrics().getAsJsonObject("data").get("train").getAsInt(), "--limit-train 200 minus 10% validation");
    }

    @Test void resumeSaysWhatAnOverrideChangesAndRefusesToChangeTheRun() {
        TrainConfig first = config();
        first.stopAfter = 1;
        first.checkpointDir = tmp.resolve("ck");
        new TrainingRun(first, REF).data(DATA).log(QUIET).run();

        JsonObject more = new JsonObject();
        more.addProperty("epochs", 5);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingRun.Result r = TrainingRun.resume(tmp.resolve("ck"), more, REF).data(DATA)
                .log(new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertEquals(5, r.trainer().history().size());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("INFO resuming with --epochs 5 instead of the checkpoint's 4"), log.toString());

        JsonObject other = new JsonObject();
        other.addProperty("batch_size", 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.resume(tmp.resolve("ck"), other, REF).data(DATA).log(QUIET).run());
        assertEquals("--batch-size cannot change when resuming (the checkpoint's run has 16); leave it out to continue that run, "
                + "or start a new run", e.getMessage());
        JsonObject same = new JsonObject();
        same.addProperty("batch_size", 16);   // repeating a recorded setting is not a change
        TrainingRun.resume(tmp.resolve("ck"), same, REF).data(DATA).log(QUIET).run();
    }

    @Test void settingsOfTheWrongTypeAreOneSentence() {
        JsonObject o = new JsonObject();
        o.addProperty("epochs", "three");
        assertEquals("training setting 'epochs' must be a whole number, not \"three\"",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(o)).getMessage());
        JsonObject u = new JsonObject();
        u.addProperty("epoch", 3);
        assertEquals("unknown training setting 'epoch'", assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(u)).getMessage());
        JsonObject f = new JsonObject();
        f.addProperty("batch_size", 1.5);
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(f));
    }

    @Test void configRoundTripsThroughJson() {
        TrainConfig c = config();
        c.settings.put("neurons", "8");
        c.lrSteps = new double[] {0.3};
        c.augment = true;
        c.dataDir = Path.of("/d");
        assertEquals(c.toJson(), TrainConfig.fromJson(c.toJson()).toJson());
        assertEquals(c.toJson(), c.copy().toJson());
    }
}
