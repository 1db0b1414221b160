package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run stopped at a step inside an epoch and resumed gives the bits of the uninterrupted run: weights, optimizer state
 * and every metric, for each model family on reference and cpu. Stopped two ways: asked to stop (what SIGTERM and
 * SIGINT do: save at the step boundary), and killed between saves (the process dies; the last periodic save is what
 * is left).
 */
class ExactResumeTest {
    @TempDir Path tmp;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static Stream<Arguments> cases() { return Families.cases("reference", "cpu"); }

    /** Dies (as kill -9 would: no save, no cleanup) after this many steps. */
    static final class Death extends RuntimeException {
        Death() { super("killed"); }
    }

    @ParameterizedTest(name = "{1} on {0}") @MethodSource("cases")
    void stoppedAndResumedRunsEqualTheStraightRun(String backendName, String model) {
        Backend backend = Families.backend(backendName);
        DataSets.TrainTest data = Families.data(model);
        TrainingRun.Result straight = new TrainingRun(Families.config(model), backend).data(data).log(QUIET).run();
        assertTrue(straight.trainer().finished());

        // Asked to stop at step 7 (epoch 2, batch 2 of 5): saved there, then resumed.
        TrainConfig c = Families.config(model);
        c.checkpointDir = tmp.resolve("asked");
        TrainingRun first = new TrainingRun(c, backend).data(data).log(QUIET);
        first.listener(new TrainingListener() {
            @Override public void onStep(Trainer t, int epoch, int batch, long step, float loss) { if (step == 7) t.requestStop(); }
        });
        TrainingRun.Result stopped = first.run();
        assertFalse(stopped.trainer().finished());
        assertEquals(7, Checkpoint.load(c.checkpointDir, QUIET).config().get("step").getAsInt());
        TrainingRun.Result resumed = TrainingRun.resume(c.checkpointDir, new JsonObject(), backend).data(data).log(QUIET).run();
        assertSameRun(straight, resumed, model + " on " + backendName + ", stopped at step 7");

        // Killed at step 8 with saves every 3 steps: the save at step 6 is what is left, and the run goes on from there.
        TrainConfig k = Families.config(model);
        k.checkpointDir = tmp.resolve("killed");
        k.checkpointEvery = 3;
        TrainingRun doomed = new TrainingRun(k, backend).data(data).log(QUIET);
        doomed.listener(new TrainingListener() {
            @Override public void onStep(Trainer t, int epoch, int batch, long step, float loss) { if (step == 8) throw new Death(); }
        });
        assertThrows(Death.class, doomed::run);
        assertEquals(6, Checkpoint.load(k.checkpointDir, QUIET).config().get("step").getAsInt());
        TrainingRun.Result after = TrainingRun.resume(k.checkpointDir, new JsonObject(), backend).data(data).log(QUIET).run();
        assertSameRun(straight, after, model + " on " + backendName + ", killed at step 8");
    }

    static void assertSameRun(TrainingRun.Result a, TrainingRun.Result b, String what) {
        assertTrue(b.trainer().finished(), what);
        Families.assertSameState(a.trainer(), b.trainer(), what);
        for (String k : new String[] {"train_loss", "val_loss", "val_accuracy", "test_accuracy", "test_loss"})
            assertEquals(a.metrics().get(k), b.metrics().get(k), what + ": " + k);
    }
}
