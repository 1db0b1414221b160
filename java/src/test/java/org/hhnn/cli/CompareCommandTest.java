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
                "--out", out.toString(), "--batch-size", "32", "--backend", "reference", "--no-progress"));
        a.addAll(List.of(extra));
        if (!a.contains("--epochs")) a.addAll(List.of("--epochs", "1"));
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

    @Test void perModelSettingsAreRowsOfTheirOwn() throws Exception {
        Path out = tmp.resolve("specs");
        CliRun.Result r = run(compare(out, "--models", "mlp:hidden=8,mlp:hidden=16:lr=0.01", "--runs", "1", "--limit-train", "48"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp:hidden=8") && r.out().contains("mlp:hidden=16:lr=0.01"), r.out());
        JsonObject small = json(out.resolve("mlp+hidden=8/seed-1.json")), big = json(out.resolve("mlp+hidden=16+lr=0.01/seed-1.json"));
        assertEquals(8, small.getAsJsonObject("model_config").get("hidden").getAsInt());
        assertEquals(16, big.getAsJsonObject("model_config").get("hidden").getAsInt());
        assertEquals(0.01, big.getAsJsonObject("train_config").get("lr").getAsDouble(), 1e-7);
        assertEquals(1e-3, small.getAsJsonObject("train_config").get("lr").getAsDouble(), 1e-7, "the other row keeps the shared lr");
        // 784*h + h + 10*h + 10 parameters: each row built its own width.
        assertEquals(795 * 8 + 10, small.get("params").getAsLong());
        assertEquals(795 * 16 + 10, big.get("params").getAsLong());
        JsonArray rows = json(out.resolve("compare.json")).getAsJsonArray("models");
        assertEquals("mlp:hidden=16:lr=0.01", rows.get(1).getAsJsonObject().get("model").getAsString());
    }

    @Test void badModelSpecsAreOneSentence() {
        String[][] cases = {
            {"mlp:hiden=8", "--models 'mlp:hiden=8': 'hiden' is no setting of mlp"},
            {"mlp:hidden", "--models 'mlp:hidden': 'hidden' is not a setting key=value"},
            {"mlp,nosuch", "--models 'nosuch': unknown model 'nosuch'"},
            {"mlp:lr=0.1,mlp:lr=0.1", "--models lists 'mlp:lr=0.1' twice"},
        };
        for (String[] c : cases) {
            CliRun.Result r = run(compare(tmp.resolve("badspec"), "--models", c[0]));
            assertEquals(1, r.code(), c[0]);
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one sentence, nothing before it: " + r.err());
        }
    }

    @Test void ensembleCurvesAndMetrics() throws Exception {
        Path out = tmp.resolve("ens");
        CliRun.Result r = run(compare(out, "--models", "mlp:hidden=16", "--runs", "3", "--epochs", "2", "--limit-train", "100", "--ensemble"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp:hidden=16 (ensemble)"), r.out());
        // The ensemble from the runs' saved test probabilities, recomputed here: average, argmax, against the labels.
        float[] sum = null, labels = null;
        int classes = 0;
        for (int seed = 1; seed <= 3; seed++) {
            var probs = org.hhnn.train.Safetensors.read(out.resolve("mlp+hidden=16/seed-" + seed + ".test-probs.safetensors")).tensors();
            float[] p = probs.get("probs").data();
            labels = probs.get("labels").data();
            classes = probs.get("probs").shape()[1];
            assertEquals(60, labels.length, "every test item");
            // They are the run's own test outputs: their accuracy is the run's test accuracy.
            assertEquals(json(out.resolve("mlp+hidden=16/seed-" + seed + ".json")).get("test_accuracy").getAsDouble(), accuracy(p, labels, classes), 1e-12);
            if (sum == null) sum = new float[p.length];
            for (int i = 0; i < p.length; i++) sum[i] += p[i] / 3;
        }
        JsonArray rows = json(out.resolve("compare.json")).getAsJsonArray("models");
        assertEquals(2, rows.size(), "the model, then its ensemble");
        JsonObject ens = rows.get(1).getAsJsonObject();
        assertTrue(ens.get("ensemble").getAsBoolean());
        assertEquals(3, ens.get("n").getAsInt());
        assertEquals(accuracy(sum, labels, classes), ens.get("mean").getAsDouble(), 1e-12);

        // Training accuracy each epoch, from the training passes, and the curves of every run with their band.
        JsonObject curves = json(out.resolve("compare.json")).getAsJsonObject("curves");
        for (String key : new String[] {"train_accuracy", "val_accuracy"}) {
            double[] last = new double[3];
            for (int seed = 1; seed <= 3; seed++) {
                JsonArray a = json(out.resolve("mlp+hidden=16/seed-" + seed + ".json")).getAsJsonArray(key);
                assertEquals(2, a.size(), key + " has one figure per epoch");
                last[seed - 1] = a.get(1).getAsDouble();
                assertTrue(last[seed - 1] >= 0 && last[seed - 1] <= 1, key + " " + a);
            }
            JsonObject band = curves.getAsJsonObject(key).getAsJsonObject("mlp:hidden=16");
            assertEquals(org.hhnn.stats.Stats.mean(last), band.getAsJsonArray("mean").get(1).getAsDouble(), 1e-12, key);
            assertEquals(org.hhnn.stats.Stats.std(last), band.getAsJsonArray("std").get(1).getAsDouble(), 1e-12, key);
            assertTrue(Files.size(out.resolve("curves-" + key + ".png")) > 1000, key);
        }
        // The same runs compared on another figure: nothing trains, the metric is the runs' last epoch's.
        for (String metric : new String[] {"train_accuracy", "val_accuracy"}) {
            CliRun.Result m = run(compare(out, "--models", "mlp:hidden=16", "--runs", "3", "--epochs", "2", "--limit-train", "100", "--metric", metric));
            assertEquals(0, m.code(), m.err());
            assertTrue(m.out().contains(metric.replace('_', ' ') + " over 3 seeds"), m.out());
            double[] last = new double[3];
            for (int seed = 1; seed <= 3; seed++)
                last[seed - 1] = json(out.resolve("mlp+hidden=16/seed-" + seed + ".json")).getAsJsonArray(metric).get(1).getAsDouble();
            assertEquals(org.hhnn.stats.Stats.mean(last), json(out.resolve("compare.json")).getAsJsonArray("models")
                    .get(0).getAsJsonObject().get("mean").getAsDouble(), 1e-12, metric);
        }
    }

    private static double accuracy(float[] p, float[] labels, int classes) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int arg = 0;
            for (int j = 1; j < classes; j++) if (p[i * classes + j] > p[i * classes + arg]) arg = j;
            if (arg == (int) labels[i]) correct++;
        }
        return (double) correct / labels.length;
    }

    @Test void gridChoosesOnValidationAndTestsOnlyTheChosen() throws Exception {
        Path out = tmp.resolve("grid");
        CliRun.Result r = run(compare(out, "--models", "mlp:hidden=16,mlp-mod", "--grid", "lr=0.00001,0.01", "--runs", "2", "--epochs", "2",
                "--limit-train", "100"));
        assertEquals(0, r.code(), r.err());
        JsonObject j = json(out.resolve("compare.json"));
        JsonArray search = j.getAsJsonArray("search");
        assertEquals(2, search.size(), "one search per model");
        for (var e : search) {
            JsonObject row = e.getAsJsonObject();
            JsonArray tried = row.getAsJsonArray("tried");
            assertEquals(2, tried.size());
            String best = null;
            double bestVal = -1;
            for (var t : tried) {
                JsonObject setting = t.getAsJsonObject();
                String spec = setting.get("spec").getAsString();
                JsonObject m = json(out.resolve("search").resolve(spec.replace(':', '+')).resolve("seed-1.json"));
                // The search runs never saw the test set, so no test figure could be consulted.
                assertFalse(m.has("test_accuracy") && !m.get("test_accuracy").isJsonNull(), m.toString());
                assertEquals(0, m.getAsJsonObject("data").get("test").getAsInt());
                JsonArray val = m.getAsJsonArray("val_accuracy");
                double v = val.get(val.size() - 1).getAsDouble();
                assertEquals(v, setting.get("validation").getAsDouble(), 1e-12, spec);
                if (v > bestVal) { bestVal = v; best = spec; }
            }
            assertEquals(best, row.get("chosen").getAsString(), "the validation-best setting is chosen: " + row);
            // Only the chosen setting was tested, with --runs seeds; the other one has no test runs.
            String chosenDir = best.replace(':', '+');
            for (int seed = 1; seed <= 2; seed++)
                assertTrue(json(out.resolve(chosenDir).resolve("seed-" + seed + ".json")).has("test_accuracy"), chosenDir);
            for (var t : tried) {
                String spec = t.getAsJsonObject().get("spec").getAsString();
                if (!spec.equals(best)) assertFalse(Files.exists(out.resolve(spec.replace(':', '+'))), spec + " was not tested");
            }
        }
        JsonArray rows = j.getAsJsonArray("models");
        assertEquals(search.get(0).getAsJsonObject().get("chosen").getAsString(), rows.get(0).getAsJsonObject().get("model").getAsString());
        assertEquals(search.get(1).getAsJsonObject().get("chosen").getAsString(), rows.get(1).getAsJsonObject().get("model").getAsString());
        assertTrue(r.out().startsWith("search: grid lr=0.00001,0.01; each setting's val accuracy"), r.out());
        assertEquals(2, r.out().split(" \\*\n", -1).length - 1, "one chosen setting marked per model:\n" + r.out());
    }

    @Test void badSearchAndEnsembleFlagsAreOneSentence() {
        String[][] cases = {
            {"--grid lr=", "--grid 'lr=' lists no value for lr"},
            {"--grid nosuch=1,2", "--models 'mlp:nosuch=1': 'nosuch' is no setting of mlp"},
            {"--random 3 lr=0.1:0.01", "lr's range 0.1:0.01 is empty or backwards"},
            {"--random 3 lr=0:0.1", "lr is a rate, drawn log-uniformly, so its range must be above 0"},
            {"--random three lr=0.001:0.1", "--random takes the number of draws first"},
            {"--grid lr=0.1,0.01 --random 2 lr=0.001:0.1", "either --grid or --random"},
            {"--grid lr=0.1,0.01 --val-split 0", "choose each model's setting on the validation split: give a --val-split above 0"},
            {"--ensemble --folds 2", "--ensemble averages runs on the same test set"},
            {"--ensemble --metric val_accuracy", "--ensemble reports the ensemble's test accuracy"},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("--models", "mlp"));
            a.addAll(List.of(c[0].split(" ")));
            CliRun.Result r = run(compare(tmp.resolve("badsearch"), a.toArray(new String[0])));
            assertEquals(1, r.code(), c[0]);
            assertTrue(r.err().contains("hhnn: ") && r.err().contains(c[1]), c[0] + ": " + r.err());
            assertEquals(1, r.err().lines().filter(l -> !l.startsWith("INFO")).count(), "one sentence: " + r.err());
        }
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
