package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.data.IdxReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Your own data (--dataset csv) and `hhnn predict` (IDX and CSV inputs, one-sentence mismatches), `bench --workload predict`. */
class PredictAndCsvTest {
    @TempDir Path tmp;

    /** Three Gaussian blobs in 4 features, labels as words; one file. */
    static Path blobs(Path file, int n) throws Exception {
        Random rng = new Random(8);
        StringBuilder s = new StringBuilder("f1,f2,label,f3,f4\n");
        String[] names = {"setosa", "versicolor", "virginica"};
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double[] v = new double[4];
            for (int j = 0; j < 4; j++) v[j] = rng.nextGaussian() * 0.5 + (j == c ? 3 : 0);
            s.append(String.format(Locale.ROOT, "%.4f,%.4f,%s,%.4f,%.4f%n", v[0], v[1], names[c], v[2], v[3]));
            if (i == 5) s.append('\n');  // an empty line is allowed and does not shift line numbers
        }
        Files.writeString(file, s.toString());
        return file;
    }

    @Test void trainsOnACsvTableAndBadRowsNameFileAndLine() throws Exception {
        Path csv = blobs(tmp.resolve("blobs.csv"), 150), m = tmp.resolve("m.json");
        DataSets.TrainTest tt = DataSets.load("csv", csv);
        assertEquals(120, tt.train().size());
        assertEquals(30, tt.test().size());
        assertEquals(4, tt.train().features());
        assertArrayEquals(new String[] {"setosa", "versicolor", "virginica"}, tt.train().classNames());
        CliRun.Result r = CliRun.run("train", "--dataset", "csv", "--data", csv.toString(), "--backend", "reference", "--epochs", "10", "--batch-size", "8",
                "--hidden", "8", "--lr", "0.01", "--no-progress", "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(JsonParser.parseString(Files.readString(m)).getAsJsonObject().get("test_accuracy").getAsDouble() > 0.9, r.out());

        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "a,b,label\n1,2,x\n\n3,oops,y\n");
        r = CliRun.run("train", "--dataset", "csv", "--data", bad.toString(), "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": line 4: column 'b' holds 'oops', not a number"), r.err());
        Files.writeString(bad, "a,b,label\n1,2,x\n3,y\n");
        r = CliRun.run("train", "--dataset", "csv", "--data", bad.toString(), "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": line 3 has 2 fields but the header has 3"), r.err());
    }

    @Test void trainsOnATsvOfLabelledTexts() throws Exception {
        Random rng = new Random(6);
        String[][] words = {{"good", "great", "fine", "lovely"}, {"bad", "awful", "poor", "dull"}};
        String[] filler = {"the", "film", "was", "a", "story", "and"};
        StringBuilder s = new StringBuilder("label\ttext\n");
        for (int i = 0; i < 120; i++) {
            int c = i % 2;
            StringBuilder t = new StringBuilder();
            for (int j = 0; j < 6; j++) t.append(j % 2 == 0 ? filler[rng.nextInt(6)] : words[c][rng.nextInt(4)]).append(' ');
            s.append(c == 0 ? "pos" : "neg").append('\t').append(t.toString().strip()).append('\n');
        }
        Path tsv = tmp.resolve("reviews.tsv"), m = tmp.resolve("tsv.json");
        Files.writeString(tsv, s.toString());
        DataSets.TrainTest tt = DataSets.load("tsv", tsv);
        assertArrayEquals(new String[] {"neg", "pos"}, tt.train().classNames());
        assertEquals(24, tt.test().size());
        CliRun.Result r = CliRun.run("train", "--dataset", "tsv", "--data", tsv.toString(), "--model", "lstm", "--backend", "reference",
                "--epochs", "6", "--batch-size", "8", "--lr", "0.01", "--set", "embedding=8", "--set", "hidden=8", "--no-progress",
                "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(JsonParser.parseString(Files.readString(m)).getAsJsonObject().get("test_accuracy").getAsDouble() > 0.9, r.out());

        Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, "pos\tnice one\nneg no tab here\n");
        r = CliRun.run("train", "--dataset", "tsv", "--data", bad.toString(), "--model", "lstm", "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": line 2 has no tab between label and text"), r.err());
    }

    @Test void predictGivesEvalsPredictionsFromIdxAndCsv() throws Exception {
        Path data = tmp.resolve("data"), ck = tmp.resolve("ck"), out = tmp.resolve("p.csv");
        TinyFashion.write(data, 200, 40, 23);
        assertEquals(0, CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--epochs", "2", "--hidden", "16",
                "--no-progress", "--checkpoint-dir", ck.toString()).code());
        Path images = data.resolve("t10k-images-idx3-ubyte.gz");
        CliRun.Result r = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", images.toString(), "--backend", "reference",
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("row,predicted,class,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9", lines.get(0));
        assertEquals(41, lines.size());
        int[] labels = IdxReader.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        int right = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            double sum = 0, max = -1;
            for (int c = 3; c < f.length; c++) { sum += Double.parseDouble(f[c]); max = Math.max(max, Double.parseDouble(f[c])); }
            assertEquals(1.0, sum, 1e-5, "probabilities sum to 1");
            assertEquals(max, Double.parseDouble(f[3 + Integer.parseInt(f[1])]), "predicted is the most probable class");
            assertEquals(org.hhnn.data.FashionMnist.CLASS_NAMES.get(Integer.parseInt(f[1])), f[2], "the class the run recorded");
            if (Integer.parseInt(f[1]) == labels[i - 1]) right++;
        }
        CliRun.Result ev = CliRun.run("eval", "--checkpoint", ck.toString(), "--data", data.toString(), "--backend", "reference", "--json");
        JsonObject e = JsonParser.parseString(ev.out()).getAsJsonObject();
        assertEquals(e.get("test_accuracy").getAsDouble(), right / 40.0, 1e-12, "predict's predictions are eval's");

        // The same images as CSV rows (with a header and a label column) give the same probabilities.
        Dataset test = DataSets.load("fashion-mnist", data).test();
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < 784; j++) csv.append("px").append(j).append(',');
        csv.append("label\n");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 784; j++) csv.append(test.x()[i * 784 + j]).append(',');
            csv.append(test.y()[i]).append('\n');
        }
        Path rows = tmp.resolve("rows.csv");
        Files.writeString(rows, csv.toString());
        r = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", rows.toString(), "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        List<String> got = r.out().lines().toList();
        assertEquals(lines.subList(0, 4), got);

        // Inputs that do not fit: one sentence naming the file and what the model takes.
        Path narrow = tmp.resolve("narrow.csv");
        Files.writeString(narrow, "1,2,3\n");
        r = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", narrow.toString(), "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(narrow + ": line 1 has 3 feature values but the model takes 784 features"), r.err());
        Path txt = tmp.resolve("x.txt");
        Files.writeString(txt, "hello\n");
        r = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", txt.toString(), "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(txt + ": is neither IDX images") && r.err().contains("takes rows of 784 features"), r.err());
    }

    @Test void benchPredictReportsBatchOneLatencyAndBatch256Throughput() {
        CliRun.Result r = CliRun.run("bench", "--workload", "predict", "--backend", "cpu", "--repeats", "1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> objs = r.out().lines().toList();
        assertEquals(2, objs.size(), r.out());
        JsonObject one = JsonParser.parseString(objs.get(0)).getAsJsonObject(), many = JsonParser.parseString(objs.get(1)).getAsJsonObject();
        assertEquals("predict (hhnn, batch 1)", one.get("workload").getAsString());
        assertEquals("predict (hhnn, batch 256)", many.get("workload").getAsString());
        assertEquals(1000 / one.get("median").getAsDouble(), one.get("latency_ms").getAsDouble(), 1e-9);
        assertTrue(many.get("median").getAsDouble() > 0);
    }
}
