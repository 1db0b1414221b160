package org.hhnn.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hhnn.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hhnn reproduce} end to end on generated NAMES-style data at a tiny scale (one epoch, two runs per model):
 * the report with the paper's column beside ours, resuming, the printed plan, errors.
 */
class ReproduceCommandTest {
    @TempDir static Path tmp;
    static Path names;

    /** Three "languages" whose names end in their own suffix, 30 each: learnable, every class in the 10% test split. */
    @BeforeAll static void makeNames() throws Exception {
        names = Files.createDirectories(tmp.resolve("names"));
        String[][] parts = {{"Alpha", "-son"}, {"Beta", "-ini"}, {"Gamma", "-moto"}};
        Random rng = new Random(3);
        for (String[] p : parts) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                StringBuilder s = new StringBuilder().append((char) ('A' + rng.nextInt(26)));
                for (int k = 0, len = 2 + rng.nextInt(4); k < len; k++) s.append((char) ('a' + rng.nextInt(26)));
                lines.add(s.append(p[1].substring(1)).toString());
            }
            Files.write(names.resolve(p[0] + ".txt"), lines);
        }
    }

    private static String[] reproduce(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("reproduce", "modulation-table4-names", "--data", names.toString(), "--scale", "0.01",
                "--backend", "reference", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static JsonObject json(Path p) throws Exception {
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }

    @Test void reportBesideThePaperThenResume() throws Exception {
        Path out = tmp.resolve("t4");
        CliRun.Result r = CliRun.run(reproduce(out));
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("REPORT.md"));
        // The paper's column and ours, side by side, with Table 4's published figures as printed (rounded to 4 places).
        assertTrue(md.contains("| test accuracy (paper) | test accuracy (ours, mean ± std) |"), md);
        assertTrue(md.contains("| 0.7790 ± 0.0053 |"), "Table 4's modulated mean ± std:\n" + md);
        assertTrue(md.contains("| < 0.006 |") && md.contains("| 0.748 |"), "Table 4's p and g against Control 1:\n" + md);
        assertTrue(md.contains("**Scale 0.01**: 2 run(s) per model"), md);
        assertTrue(md.contains("## What holds") && md.contains("`lstm-mod` above `lstm-control1`"), md);
        assertTrue(md.contains("![Validation accuracy per epoch (mean over runs)](validation.png)"), md);
        assertTrue(Files.size(out.resolve("validation.png")) > 1000);
        assertTrue(md.contains("./hhnn compare --dataset names --models lstm-control2 --runs 2"), md);
        // Table 5: the activation pictures of a kept control (lstm-control2) and lstm-mod checkpoint, side by side in the report.
        assertTrue(md.contains("## Table 5: activation picture (control beside modulated)"), md);
        assertTrue(md.contains("| 1 | ![control node 1](table5/control/node1.png) | ![modulated node 1](table5/node1.png) |"), md);
        assertFalse(md.contains("not drawn here"), md);
        for (String d : new String[] {"table5", "table5/control"}) {
            assertTrue(Files.size(out.resolve(d + "/node1.png")) > 1000 && Files.exists(out.resolve(d + "/run/checkpoint/latest")), d);
            assertTrue(Files.exists(out.resolve(d + "/gates.csv")), d);
        }
        assertEquals("lstm-control2", json(out.resolve("table5/control/run/metrics.json")).get("model").getAsString());
        assertEquals("", Files.readAllLines(out.resolve("table5/control/gates.csv")).get(1).split(",", -1)[5], "the control has no s");
        assertTrue(md.contains("CPU time"), md);
        assertTrue(md.contains("Alpha.txt") && md.matches("(?s).*`[0-9a-f]{64}`.*"), "data files with their sha256:\n" + md);

        // Our column is the runs' mean: recomputed from the runs' own metrics files.
        JsonObject rep = json(out.resolve("report.json"));
        JsonObject mod = rep.getAsJsonArray("arms").get(0).getAsJsonObject();
        assertEquals("lstm-mod", mod.get("key").getAsString());
        assertEquals(1, mod.get("epochs").getAsInt(), "100 epochs x 0.01");
        double a = json(out.resolve("runs/lstm-mod/lstm-mod/seed-1.json")).get("test_accuracy").getAsDouble();
        double b = json(out.resolve("runs/lstm-mod/lstm-mod/seed-2.json")).get("test_accuracy").getAsDouble();
        assertEquals((a + b) / 2, mod.getAsJsonObject("columns").getAsJsonObject("test").get("mean").getAsDouble(), 1e-12);
        JsonArray pairs = rep.getAsJsonArray("pairs");
        assertEquals(3, pairs.size());
        assertTrue(pairs.get(0).getAsJsonObject().has("welch_p"), pairs.toString());

        // Started again: nothing trains, the same table comes out.
        FileTime before = Files.getLastModifiedTime(out.resolve("runs/lstm-mod/lstm-mod/seed-1.json"));
        CliRun.Result again = CliRun.run(reproduce(out));
        assertEquals(0, again.code(), again.err());
        assertEquals(8, again.err().split("already done", -1).length - 1, again.err());
        assertFalse(again.err().contains("INFO Table 5: one more"), "the kept checkpoint is drawn again, not retrained");
        assertEquals(before, Files.getLastModifiedTime(out.resolve("runs/lstm-mod/lstm-mod/seed-1.json")));
        String table = md.substring(md.indexOf("## Published beside ours"), md.indexOf("## Figures"));
        String md2 = Files.readString(out.resolve("REPORT.md"));
        assertEquals(table, md2.substring(md2.indexOf("## Published beside ours"), md2.indexOf("## Figures")));

        // Interrupted after all but one run: only that one trains.
        Files.delete(out.resolve("runs/lstm-control3/lstm-control3/seed-2.json"));
        CliRun.Result third = CliRun.run(reproduce(out));
        assertEquals(0, third.code(), third.err());
        assertEquals(7, third.err().split("already done", -1).length - 1, third.err());
        assertTrue(Files.exists(out.resolve("runs/lstm-control3/lstm-control3/seed-2.json")));

        // The printed compare command is the arm exactly: run into the same folder, it finds every run done.
        String cmd = md2.lines().filter(l -> l.startsWith("./hhnn compare") && l.contains("--models lstm-control1 ")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(List.of(cmd.substring("./hhnn ".length()).split(" ")));
        args.addAll(List.of("--backend", "reference"));
        CliRun.Result cmp = CliRun.run(args.toArray(new String[0]));
        assertEquals(0, cmp.code(), cmp.err());
        assertEquals(2, cmp.err().split("already done", -1).length - 1, cmp.err());

        // Another scale in the same folder: one sentence, nothing trained.
        CliRun.Result other = CliRun.run("reproduce", "modulation-table4-names", "--data", names.toString(), "--scale", "0.02",
                "--backend", "reference", "--out", out.toString());
        assertEquals(1, other.code());
        assertTrue(other.err().contains("holds a reproduction with other settings") && other.err().contains("--scale"), other.err());
        assertFalse(other.err().contains("INFO run "), other.err());

        // A kept Table 5 run whose checkpoint is gone: the report still comes, saying what was not drawn and why.
        Path ck = out.resolve("table5/control/run/checkpoint");
        Files.move(ck, ck.resolveSibling("checkpoint-moved"));
        CliRun.Result lost = CliRun.run(reproduce(out));
        assertEquals(0, lost.code(), lost.err());
        String md3 = Files.readString(out.resolve("REPORT.md"));
        assertTrue(md3.contains("Not drawn: drawing the lstm-control2 run failed (checkpoint directory "), md3);
        assertTrue(md3.contains("## Published beside ours"), md3);
    }

    @Test void printConfigListsThePlanWithoutTraining() {
        Path out = tmp.resolve("plan");
        CliRun.Result r = CliRun.run("reproduce", "modulation-table2", "--print-config", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("modulation-table2 at scale 0.00667: 1 run(s) per model"), r.out());
        // The paper's settings where hhnn's own defaults differ: DenseNet dropout 0.5, lr x0.1 at 50% and 80%, 20% validation.
        assertTrue(r.out().contains("--models densenet --runs 1 --set dropout=0.5 --epochs 1 --batch-size 128 --val-split 0.2 --augment --no-progress"),
                r.out());
        assertTrue(r.out().contains("--models cnn-mod --runs 1 --epochs 1 --batch-size 128 --lr-steps 0.5,0.8"), r.out());
        assertTrue(r.out().contains("densenet-lite      vanilla DenseNet-lite: densenet on fashion-mnist")
                && r.out().contains("--models densenet --runs 1 --set dropout=0.5 --set growth=10 --epochs 1"), r.out());
        assertFalse(Files.exists(out), "nothing written");
        CliRun.Result full = CliRun.run("reproduce", "modulation-table7-ptb", "--print-config", "--scale", "1");
        assertTrue(full.out().contains("--models awd-lstm-mod --runs 2 --epochs 500 --no-progress"), "no size=small at scale 1:\n" + full.out());
        CliRun.Result small = CliRun.run("reproduce", "modulation-table7-ptb", "--print-config");
        assertTrue(small.out().contains("--set size=small"), small.out());
        assertFalse(small.out().contains("table5"), "Table 5 is the LSTM classifiers' picture:\n" + small.out());
        CliRun.Result lstm = CliRun.run("reproduce", "modulation-table4-names", "--print-config");
        assertTrue(lstm.out().contains("  table5             one more run each of lstm-mod and lstm-control2 (seed 1"), "the runs Table 5 trains:\n" + lstm.out());
    }

    /** A damaged reproduction.json (a crash, an edit) is one sentence naming it, with Gson's position but not its exception text. */
    @Test void aDamagedSettingsFileIsOneSentenceNamingIt() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("damaged"));
        Files.writeString(out.resolve(Reproduction.SETTINGS), "{\"preset\": ");
        CliRun.Result r = CliRun.run(reproduce(out));
        assertEquals(1, r.code());
        String error = r.err().lines().filter(l -> l.startsWith("hhnn: ")).findFirst().orElse(r.err());   // after the plan's INFO lines
        assertTrue(error.startsWith("hhnn: " + out.resolve(Reproduction.SETTINGS) + ": not a JSON object (at line 1 column 12)"), error);
        assertFalse(error.contains("Exception") || error.contains("com.google"), error);
        assertTrue(r.err().endsWith(error + "\n"), "the error is the last line: " + r.err());
    }

    @Test void badNamesAndScales() {
        CliRun.Result r = CliRun.run("reproduce", "table9");
        assertEquals(1, r.code());
        assertEquals("hhnn: unknown reproduction 'table9' (known: modulation-table2, modulation-table4-names, modulation-table4-sst2, "
                + "modulation-table7-ptb, hhnn-vs-mlp, hhnn-text)", r.err().strip());
        CliRun.Result s = CliRun.run("reproduce", "hhnn-vs-mlp", "--scale", "1.5", "--print-config");
        assertEquals(1, s.code());
        assertEquals("hhnn: --scale must be in (0, 1], got 1.5", s.err().strip());
        CliRun.Result d = CliRun.run("reproduce", "hhnn-text", "--data", "x");
        assertEquals(1, d.code());
        assertTrue(d.err().contains("--data does not apply"), d.err());
    }
}
