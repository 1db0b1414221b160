package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.data.DataSets;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.TrainingRun;
import org.hhnn.train.TinyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison as a library call: each run is a TrainingRun of its own seed, and the statistics are those of the runs. */
class ComparisonTest {
    @TempDir Path tmp;

    @Test void statisticsOfTheRunsAndTheirFiles() throws Exception {
        Backend ref = Backends.get("reference");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        DataSets.TrainTest data = TinyData.trainTest(160, 60, 3);
        TrainConfig base = new TrainConfig();
        base.epochs = 1;
        base.batchSize = 16;
        base.hidden = new int[] {8};
        base.seed = 4;
        base.progress = false;
        JsonObject s = new Comparison(List.of("mlp", "mlp-mod"), base, ref, tmp.resolve("cmp")).runs(2).data(data).log(quiet).run();
        assertEquals(2, s.getAsJsonArray("models").size());
        JsonObject mlp = s.getAsJsonArray("models").get(0).getAsJsonObject();
        double[] acc = new double[2];
        for (int i = 0; i < 2; i++) {
            TrainConfig c = base.copy();
            c.seed = 4 + i;
            acc[i] = new TrainingRun(c, ref).data(data).log(quiet).run().testAccuracy();
            JsonObject file = JsonParser.parseString(Files.readString(tmp.resolve("cmp/mlp/seed-" + (4 + i) + ".json"))).getAsJsonObject();
            assertEquals(acc[i], file.get("test_accuracy").getAsDouble(), "run " + i + " is the TrainingRun of its seed");
        }
        assertEquals(Stats.mean(acc), mlp.get("mean").getAsDouble());
        assertEquals(Stats.std(acc), mlp.get("std").getAsDouble());
        assertTrue(s.getAsJsonArray("models").get(1).getAsJsonObject().has("welch_p"));
        String table = Comparison.table(s);
        assertTrue(table.startsWith("fashion-mnist: test accuracy over 2 seeds per model; tests: mlp against each other model"), table);
        assertEquals(3, Comparison.csv(s).lines().count());
        for (String f : new String[] {"compare.json", "compare.csv", "compare.png", "settings.json"})
            assertTrue(Files.exists(tmp.resolve("cmp").resolve(f)), f);

        base.epochs = 2;   // other settings, same output directory: refused
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Comparison(List.of("mlp", "mlp-mod"), base, ref, tmp.resolve("cmp")).runs(2).data(data).log(quiet).run())
                .getMessage().contains("this compare was started with other settings"));
        assertThrows(IllegalArgumentException.class, () -> new Comparison(List.of("mlp", "mlp"), base, ref, tmp));
    }

    /** A run's file damaged after the fact (a crash, an edit) is one sentence naming it, never Gson's exception text. */
    @Test void aDamagedRunFileIsOneSentenceNamingIt() throws Exception {
        String[][] cases = {{"{\"test_accuracy\": 0.5", "at line"}, {"[1, 2]", ""}, {"\u0000\u0001 not json", ""}};
        for (int k = 0; k < cases.length; k++) {
            Path f = tmp.resolve("seed-" + k + ".json");
            Files.writeString(f, cases[k][0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Comparison.readJson(f));
            String m = e.getMessage();
            assertTrue(m.startsWith(f + ": not a JSON object") && m.endsWith("; delete it to redo that run"), m);
            assertTrue(m.contains(cases[k][1]), m);
            assertTrue(!m.contains("Exception") && !m.contains("com.google") && m.lines().count() == 1, m);
        }
        Path bad = tmp.resolve("latin1.json");
        Files.write(bad, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Comparison.readJson(bad)).getMessage().contains("(not valid UTF-8)"));
        Path good = tmp.resolve("good.json");
        Files.writeString(good, "{\"test_accuracy\": 0.5}");
        assertEquals(0.5, Comparison.readJson(good).get("test_accuracy").getAsDouble());
    }
}
