package org.hhnn.cli;

import static org.hhnn.cli.CliRun.json;
import static org.hhnn.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code hhnn compare} end to end on a tiny generated data set: the table, the files, resuming, k-fold, errors. */
class CompareCommandTest {
    @TempDir static Path tmp;
    @RegisterExtension static final TinyFashion data = new TinyFashion(200, 60, 5);

    private static String[] compare(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("compare", "--dataset", "fashion-mnist", "--data", data.dir().toString(),
                "--out", out.toString(), "--epochs", "1", "--batch-size", "32", "--backend", "reference", "--no-progress"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test void seedsTableFilesAndResume() throws Exception {
        Path out = tmp.resolve("cmp");
        CliRun.Result r = run(compare(out, "--models", "mlp,hhnn", "--runs", "2", "--limit-train", "48"));
        assertEquals(0, r.code(), r.err());
        for (String row : new String[] {"mean", "std", "Hedges' g", "Welch's t", "df", "p-value"}) {
            assertTrue(r.out().contains(row), "the table has a " + row + " row:\n" + r.out());
        }
        assertTrue(r.out().contains("fashion-mnist: test accuracy over 2 seeds per model; tests: mlp against each other model"), r.out());
        JsonObject j = json(out.resolve("compare.json"));
        JsonArray models = j.getAsJsonArray("models");
        assertEquals(2, models.size());
        JsonObject mlp = models.get(0).getAsJsonObject(), other = models.get(1).getAsJsonObject();
        assertEquals("mlp", mlp.get("model").getAsString());
        assertEquals(2, mlp.get("n").getAsInt());
        assertFalse(mlp.has("hedges_g"), "the first model is the baseline");
        assertTrue(other.has("hedges_g") && other.has("welch_p"), other.toString());
        double a0 = json(out.resolve("mlp/seed-1.json")).get("test_accuracy").getAsDouble();
        double a1 = json(out.resolve("mlp/seed-2.json")).get("test_accuracy").getAsDouble();
        assertEquals((a0 + a1) / 2, mlp.get("mean").getAsDouble(), 1e-12);
        assertEquals(2, json(out.resolve("mlp/seed-2.json")).get("seed").getAsInt());
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(3, csv.size(), "header + one row per model");
        assertTrue(csv.get(0).startsWith("model,params,n,mean,std,hedges_g,welch_t,welch_df,welch_p"), csv.get(0));
        assertTrue(csv.get(1).startsWith("mlp,"), csv.get(1));
        assertTrue(Files.size(out.resolve("compare.png")) > 1000);

        // Started again: every run is done, nothing trains, the same table comes out.
        FileTime before = Files.getLastModifiedTime(out.resolve("mlp/seed-1.json"));
        CliRun.Result again = run(compare(out, "--models", "mlp,hhnn", "--runs", "2", "--limit-train", "48"));
        assertEquals(0, again.code(), again.err());
        assertEquals(4, again.err().split("already done", -1).length - 1, again.err());
        // The comparison's run record: written by the first run, shown when resumed.
        assertTrue(json(out.resolve("run.json")).getAsJsonArray("argv").toString().contains("\"mlp,hhnn\""));
        assertTrue(again.err().contains("INFO resuming the comparison in " + out + ", started as") && again.err().contains("run: hhnn "), again.err());
        String table = r.out().substring(r.out().indexOf("fashion-mnist: test accuracy"));
        assertEquals(table, again.out(), "no training output, the same table");
        assertEquals(before, Files.getLastModifiedTime(out.resolve("mlp/seed-1.json")));
        // An interrupted compare: only the missing run trains.
        Files.delete(out.resolve("hhnn/seed-2.json"));
        CliRun.Result resumed = run(compare(out, "--models", "mlp,hhnn", "--runs", "2", "--limit-train", "48"));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(3, resumed.err().split("already done", -1).length - 1, resumed.err());
        assertTrue(Files.exists(out.resolve("hhnn/seed-2.json")));
        // Other settings in the same folder are refused rather than mixed.
        CliRun.Result other2 = run(compare(out, "--models", "mlp,hhnn", "--runs", "2", "--limit-train", "48", "--lr", "0.1"));
        assertEquals(1, other2.code());
        assertTrue(other2.err().contains("settings.json") && other2.err().contains("other settings"), other2.err());
    }

    @Test void foldsAndBootstrap() throws Exception {
        Path out = tmp.resolve("folds");
        CliRun.Result r = run(compare(out, "--models", "mlp", "--folds", "3", "--bootstrap", "200",
                "--hidden", "16"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("over 3 folds") && r.out().contains("95% CI low") && r.out().contains("95% CI high"), r.out());
        for (int f = 1; f <= 3; f++) {
            JsonObject m = json(out.resolve("mlp/fold-" + f + ".json"));
            // 200 training items in 3 folds: each run tests on its fold of 66 or 67 items.
            int test = m.getAsJsonObject("data").get("test").getAsInt();
            assertTrue(test == 66 || test == 67, "fold " + f + " tests on " + test);
        }
        JsonObject ci = json(out.resolve("compare.json")).getAsJsonArray("models").get(0)
                .getAsJsonObject().getAsJsonObject("bootstrap_ci");
        assertTrue(ci.get("lower").getAsDouble() <= ci.get("upper").getAsDouble(), ci.toString());
    }

    @Test void badFlagsAreOneSentence() {
        CliRun.Result r = run(compare(tmp.resolve("bad1"), "--models", "mlp", "--nonsense", "3"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--nonsense"), r.err());
        r = run(compare(tmp.resolve("bad2"), "--models", "mlp", "--model", "hhnn"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("compare sets --model"), r.err());
        r = run(compare(tmp.resolve("bad3"), "--models", "mlp", "--runs", "2", "--folds", "2"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("either --runs or --folds"), r.err());
    }
}
