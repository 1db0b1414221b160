package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hhnn.stats.Stats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language models through the CLI on a generated Penn-Treebank-format corpus: train (perplexities, metrics JSON,
 * validation-perplexity curve, per-layer parameter counts, checkpoint), eval on that checkpoint (test perplexity,
 * the same as train reported), compare with --metric test_ppl --lower-is-better (Table 7's columns, signed so that
 * positive favours the first model), and the bad inputs as one sentence with a non-zero exit.
 * Run: mvn -B -o test -pl java -Dtest=LmCliTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LmCliTest {
    @TempDir Path tmp;
    Path data;

    static final String[] TINY = {"--set", "size=small", "--set", "embedding=12", "--set", "hidden=16,12", "--set", "batch=4", "--set", "bptt=6",
        "--set", "eval_batch=2", "--set", "lr=5", "--no-progress"};

    @BeforeEach void corpus() throws Exception {
        data = tmp.resolve("ptb");
        writeCorpus(data, " the cat sat on the mat ", " a dog ran ", " the dog sat ");
    }

    /** A Penn-Treebank-format corpus in dir: 120 training lines cycling through sentences, 12 (shifted by one) for valid and test. */
    static void writeCorpus(Path dir, String... sentences) throws Exception {
        Files.createDirectories(dir);
        StringBuilder train = new StringBuilder(), valid = new StringBuilder();
        for (int i = 0; i < 120; i++) train.append(sentences[i % sentences.length]).append('\n');
        for (int i = 0; i < 12; i++) valid.append(sentences[(i + 1) % sentences.length]).append('\n');
        Files.writeString(dir.resolve("ptb.train.txt"), train);
        Files.writeString(dir.resolve("ptb.valid.txt"), valid);
        Files.writeString(dir.resolve("ptb.test.txt"), valid);
    }

    String[] args(String... head) {
        String[] out = new String[head.length + TINY.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(TINY, 0, out, head.length, TINY.length);
        return out;
    }

    @Test void trainEvalAndCompare() throws Exception {
        Path metrics = tmp.resolve("m.json"), ck = tmp.resolve("ck"), png = tmp.resolve("c.png");
        CliRun.Result r = CliRun.run(args("train", "--model", "awd-lstm", "--set", "nonmono=50", "--dataset", "ptb", "--data", data.toString(), "--epochs", "14",
                "--backend", "reference", "--metrics-out", metrics.toString(), "--checkpoint-dir", ck.toString(), "--plot", png.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("test_ppl "), r.out());
        assertTrue(r.err().contains("lstm layer 1 (16 -> 12, vanilla)") && r.err().contains("val_ppl"), r.err());
        JsonObject m = JsonParser.parseString(Files.readString(metrics)).getAsJsonObject();
        assertEquals(14, m.getAsJsonArray("val_ppl_per_epoch").size());
        double testPpl = m.get("test_ppl").getAsDouble();
        assertTrue(testPpl > 1 && testPpl < 4, "test perplexity " + testPpl + " (vocabulary 9: 9 is a uniform guess)\n" + r.err());
        assertTrue(Files.size(png) > 1000);

        CliRun.Result e = CliRun.run("eval", "--checkpoint", ck.toString(), "--data", data.toString(), "--backend", "reference");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith(String.format("test_ppl %.2f", testPpl)), e.out() + " vs " + testPpl);

        Path out = tmp.resolve("cmp");
        CliRun.Result c = CliRun.run(args("compare", "--dataset", "ptb", "--data", data.toString(), "--models", "awd-lstm-mod,awd-lstm",
                "--runs", "2", "--epochs", "1", "--backend", "reference", "--metric", "test_ppl", "--lower-is-better", "--out", out.toString()));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("test ppl (lower is better)") && c.out().contains("Hedges' g") && c.out().contains("df"), c.out());
        JsonObject sum = JsonParser.parseString(Files.readString(out.resolve("compare.json"))).getAsJsonObject();
        JsonArray ms = sum.getAsJsonArray("models");
        double[] mod = runs(ms.get(0).getAsJsonObject()), van = runs(ms.get(1).getAsJsonObject());
        // positive g: the first model (modulated) has the lower perplexity
        assertEquals(Stats.hedgesG(van, mod), ms.get(1).getAsJsonObject().get("hedges_g").getAsDouble(), 1e-12);
        assertEquals(Stats.welch(van, mod).t(), ms.get(1).getAsJsonObject().get("welch_t").getAsDouble(), 1e-12);
    }

    /** A run stopped after its first epoch and resumed from its checkpoint ends where the straight run ends. */
    @Test void stoppedAndResumedEndsAsTheStraightRun() throws Exception {
        Path straight = tmp.resolve("straight.json"), resumed = tmp.resolve("resumed.json"), ck = tmp.resolve("ck");
        String[] common = {"--model", "awd-lstm", "--dataset", "ptb", "--data", data.toString(), "--epochs", "2", "--backend", "reference"};
        CliRun.Result a = CliRun.run(args(concat(new String[] {"train", "--metrics-out", straight.toString()}, common)));
        assertEquals(0, a.code(), a.err());
        CliRun.Result first = CliRun.run(args(concat(new String[] {"train", "--checkpoint-dir", ck.toString(), "--stop-after", "1"}, common)));
        assertEquals(0, first.code(), first.err());
        CliRun.Result b = CliRun.run("train", "--resume", ck.toString(), "--data", data.toString(), "--backend", "reference", "--no-progress",
                "--metrics-out", resumed.toString());
        assertEquals(0, b.code(), b.err());
        JsonObject ma = JsonParser.parseString(Files.readString(straight)).getAsJsonObject();
        JsonObject mb = JsonParser.parseString(Files.readString(resumed)).getAsJsonObject();
        assertEquals(2, mb.getAsJsonArray("val_ppl_per_epoch").size(), mb.toString());
        assertEquals(ma.get("val_ppl_per_epoch"), mb.get("val_ppl_per_epoch"));
        assertEquals(ma.get("test_ppl"), mb.get("test_ppl"));
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    static double[] runs(JsonObject model) {
        JsonArray a = model.getAsJsonArray("runs");
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsJsonObject().get("test_ppl").getAsDouble();
        return v;
    }

    @Test void badInputIsOneSentence() throws Exception {
        Files.writeString(data.resolve("ptb.test.txt"), " the cat \n the unicorn sat \n");
        CliRun.Result r = CliRun.run(args("train", "--model", "awd-lstm", "--dataset", "ptb", "--data", data.toString(), "--epochs", "1",
                "--backend", "reference"));
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("ptb.test.txt") && r.err().contains("line 2") && r.err().contains("'unicorn'"), r.err());

        CliRun.Result flag = CliRun.run(args("train", "--model", "awd-lstm", "--dataset", "ptb", "--data", data.toString(), "--lr", "3"));
        assertTrue(flag.code() != 0 && flag.err().contains("--lr") && flag.err().contains("--set lr"), flag.err());

        CliRun.Result wrongData = CliRun.run("train", "--model", "mlp", "--dataset", "ptb", "--data", data.toString(), "--backend", "reference");
        assertTrue(wrongData.code() != 0 && wrongData.err().contains("awd-lstm"), wrongData.err());
    }
}
