package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hhnn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --early-stop N ends a run whose validation accuracy stalls; --keep-best keeps the best epoch's checkpoint. */
class EarlyStopTest {
    @TempDir Path tmp;

    @Test void stallingRunStopsAndKeepsItsBestEpoch() throws Exception {
        Path data = tmp.resolve("data"), ck = tmp.resolve("ck"), m = tmp.resolve("m.json");
        TinyFashion.write(data, 120, 20, 21);
        // An lr far below float resolution leaves the weights as they are: the validation accuracy never improves
        // after epoch 1, so with --early-stop 2 the run ends after epoch 3 of 10.
        CliRun.Result r = CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--epochs", "10", "--hidden", "8",
                "--lr", "1e-30", "--no-progress", "--early-stop", "2", "--keep-best", "--checkpoint-dir", ck.toString(),
                "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, JsonParser.parseString(Files.readString(m)).getAsJsonObject().getAsJsonArray("train_loss").size());
        assertTrue(r.err().contains("INFO stopping early (--early-stop 2)"), r.err());
        assertEquals(3, Checkpoint.load(ck).config().get("epochs_done").getAsInt());
        assertEquals(1, Checkpoint.load(ck.resolve("best")).config().get("epochs_done").getAsInt());

        // A run that keeps improving is not stopped, and its best checkpoint is its last epoch.
        Path ck2 = tmp.resolve("ck2"), m2 = tmp.resolve("m2.json");
        r = CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--epochs", "2", "--hidden", "8", "--lr", "0.01",
                "--no-progress", "--early-stop", "1", "--keep-best", "--checkpoint-dir", ck2.toString(), "--metrics-out", m2.toString());
        assertEquals(0, r.code(), r.err());
        var acc = JsonParser.parseString(Files.readString(m2)).getAsJsonObject().getAsJsonArray("val_accuracy");
        int bestEpoch = acc.get(1).getAsDouble() > acc.get(0).getAsDouble() ? 2 : 1;
        assertEquals(bestEpoch, Checkpoint.load(ck2.resolve("best")).config().get("epochs_done").getAsInt());

        r = CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--keep-best");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--keep-best keeps a checkpoint: give --checkpoint-dir or --run-dir"), r.err());
    }
}
