package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.nn.AwdLstm;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.LmRun;
import org.hhnn.train.LmTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hhnn predict} on text with the vocabulary the checkpoint stores (no training data at predict time): the text
 * classifiers (names, sst2, your own tsv) give eval's predictions for the same texts (the confusion matrices agree), and
 * a language model's next-word probabilities are the ones its eval loss implies; unknown tokens, empty lines, images
 * for a text model and checkpoints without a stored vocabulary each get one sentence.
 */
class PredictTextTest {
    @TempDir Path tmp;

    /** SST-2's layout (train/dev/test.tsv, header label<TAB>sentence, labels 0/1), which --dataset tsv also reads. */
    static void writeReviews(Path dir) throws Exception {
        Files.createDirectories(dir);
        Random rng = new Random(6);
        String[][] words = {{"bad", "awful", "poor", "dull"}, {"good", "great", "fine", "lovely"}};
        String[] filler = {"the", "film", "was", "a", "story", "and", ","};
        for (String part : new String[] {"train", "dev", "test"}) {
            StringBuilder s = new StringBuilder("label\tsentence\n");
            for (int i = 0; i < (part.equals("train") ? 120 : 30); i++) {
                int c = rng.nextInt(2);
                StringBuilder t = new StringBuilder();
                for (int j = 0; j < 3 + rng.nextInt(5); j++) t.append(j % 2 == 0 ? filler[rng.nextInt(filler.length)] : words[c][rng.nextInt(4)]).append(' ');
                s.append(c).append('\t').append(t.toString().strip()).append('\n');
            }
            Files.writeString(dir.resolve(part + ".tsv"), s.toString());
        }
    }

    static List<CSVRecord> csv(String text) throws Exception {
        return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(text)).getRecords();
    }

    @ParameterizedTest
    @ValueSource(strings = {"names", "sst2", "tsv"})
    void textClassifiersPredictWhatEvalCountsFromTheStoredVocabulary(String dataset) throws Exception {
        Path data = tmp.resolve("data"), ck = tmp.resolve("ck"), texts = tmp.resolve("texts.txt");
        if (dataset.equals("names")) TorchRoundTripTest.writeNames(data);
        else writeReviews(data);
        CliRun.Result tr = CliRun.run("train", "--model", "lstm", "--dataset", dataset, "--data", data.toString(), "--epochs", "3",
                "--batch-size", "8", "--lr", "0.01", "--set", "embedding=8", "--set", "hidden=8", "--backend", "reference", "--no-progress",
                "--checkpoint-dir", ck.toString());
        assertEquals(0, tr.code(), tr.err());

        // The test part's texts, one per line: NAMES's from its ids (a character training never showed becomes 'ß',
        // which predict must read as <unk> again), the others' from test.tsv.
        Dataset test = DataSets.load(dataset, data).test();
        List<String> lines = new ArrayList<>();
        if (dataset.equals("names")) {
            String[] vocab = test.vocabulary();
            int len = test.features();
            for (int i = 0; i < test.size(); i++) {
                StringBuilder s = new StringBuilder();
                for (int j = 0; j < len && test.x()[i * len + j] != 0; j++) {
                    int id = (int) test.x()[i * len + j];
                    s.append(id == 1 ? "ß" : vocab[id]);
                }
                lines.add(s.toString());
            }
        } else {
            List<String> rows = Files.readAllLines(data.resolve("test.tsv"));
            for (String r : rows.subList(1, rows.size())) lines.add(r.substring(r.indexOf('\t') + 1));
        }
        lines.add(dataset.equals("names") ? "Zqß" : "an unseen word, zebra");   // one more line, outside the vocabulary
        Files.write(texts, lines);

        CliRun.Result p = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", texts.toString(), "--backend", "reference");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("outside the model's vocabulary: read as <unk> (id 1), as training read them"), p.err());
        List<CSVRecord> rows = csv(p.out());
        assertEquals(lines.size(), rows.size());
        int k = test.numClasses();
        List<String> header = new ArrayList<>(List.of("row", "text", "predicted", "class"));
        for (int c = 0; c < k; c++) header.add("p_" + c);
        assertEquals(header, rows.get(0).getParser().getHeaderNames());
        long[][] counts = new long[k][k];
        for (int i = 0; i < rows.size(); i++) {
            CSVRecord r = rows.get(i);
            assertEquals(lines.get(i), r.get("text"));
            double sum = 0, max = -1;
            for (int c = 0; c < k; c++) { double v = Double.parseDouble(r.get("p_" + c)); sum += v; max = Math.max(max, v); }
            assertEquals(1.0, sum, 1e-5, "probabilities of row " + i + " sum to 1");
            int pred = Integer.parseInt(r.get("predicted"));
            assertEquals(max, Double.parseDouble(r.get("p_" + pred)), "row " + i + ": predicted is the most probable class");
            assertEquals(test.classNames()[pred], r.get("class"));
            if (i < test.size()) counts[test.y()[i]][pred]++;
        }

        CliRun.Result ev = CliRun.run("eval", "--checkpoint", ck.toString(), "--data", data.toString(), "--backend", "reference", "--json");
        assertEquals(0, ev.code(), ev.err());
        JsonArray matrix = JsonParser.parseString(ev.out()).getAsJsonObject().getAsJsonObject("confusion").getAsJsonArray("matrix");
        for (int t = 0; t < k; t++)
            for (int c = 0; c < k; c++)
                assertEquals(matrix.get(t).getAsJsonArray().get(c).getAsLong(), counts[t][c], "predict's predictions are eval's (true " + t + ", predicted " + c + ")");

        // Bad inputs: an empty line, images for a text model, a checkpoint saved before checkpoints stored a vocabulary.
        Files.writeString(texts, lines.get(0) + "\n   \n");
        p = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", texts.toString(), "--backend", "reference");
        assertEquals(1, p.code());
        assertTrue(p.err().contains(texts + ": line 2 has no " + (dataset.equals("names") ? "characters" : "words") + "; predict reads one text per line"), p.err());
        Path images = tmp.resolve("x-images-idx3-ubyte");
        Files.write(images, new byte[16]);
        p = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", images.toString(), "--backend", "reference");
        assertEquals(1, p.code());
        assertTrue(p.err().contains(images + ": holds IDX images, but the model in " + ck + " reads text (UTF-8, one text per line)"), p.err());
        assertOldCheckpointIsOneSentence(ck, texts);
    }

    /** Drops the stored vocabulary from the checkpoint's config.json, as a checkpoint of an earlier version lacks it. */
    static void assertOldCheckpointIsOneSentence(Path ck, Path input) throws Exception {
        Path save = Checkpoint.load(ck).dir(), config = save.resolve(Checkpoint.CONFIG_FILE);
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        assertTrue(c.has("text"));
        c.remove("text");
        Files.writeString(config, c.toString());
        CliRun.Result p = CliRun.run("predict", "--checkpoint", save.toString(), "--input", input.toString(), "--backend", "reference");
        assertEquals(1, p.code());
        assertTrue(p.err().contains(config + ": records no vocabulary (the checkpoint was saved before hhnn stored one in it)"), p.err());
        assertEquals(1, p.err().lines().filter(l -> !l.startsWith("INFO ")).count(), "one sentence: " + p.err());
    }

    @Test void languageModelNextWordsAreTheProbabilitiesItsEvalLossImplies() throws Exception {
        Path data = tmp.resolve("ptb"), ck = tmp.resolve("ck"), in = tmp.resolve("prompts.txt");
        LmCliTest.writeCorpus(data, " the cat sat on the mat ", " a dog ran ", " the dog sat ", " a <unk> ran ");
        CliRun.Result tr = CliRun.run("train", "--model", "awd-lstm-mod", "--dataset", "ptb", "--data", data.toString(), "--epochs", "3",
                "--set", "size=small", "--set", "embedding=12", "--set", "hidden=16,12", "--set", "batch=4", "--set", "bptt=6",
                "--set", "eval_batch=2", "--set", "lr=5", "--no-progress", "--backend", "reference", "--checkpoint-dir", ck.toString());
        assertEquals(0, tr.code(), tr.err());
        int vocab = 10;   // the, cat, sat, on, mat, <eos>, a, dog, ran, <unk>
        Files.writeString(in, "the cat sat on the\na dog\n\na zebra\na <unk>\n");
        CliRun.Result p = CliRun.run("predict", "--checkpoint", ck.toString(), "--input", in.toString(), "--backend", "reference",
                "--top-k", "50");
        assertEquals(0, p.code(), p.err());
        List<CSVRecord> rows = csv(p.out());
        assertEquals(5, rows.size());
        List<String> header = new ArrayList<>(List.of("row", "text"));
        for (int j = 1; j <= vocab; j++) { header.add("word_" + j); header.add("p_" + j); }
        assertEquals(header, rows.get(0).getParser().getHeaderNames(), "--top-k beyond the vocabulary lists every word once");

        Backend be = ReferenceBackend.get();
        Checkpoint.Loaded loaded = Checkpoint.load(ck);
        AwdLstm model = (AwdLstm) LmRun.network(loaded, be).body;
        List<String> words = new ArrayList<>();
        loaded.config().getAsJsonObject("text").getAsJsonArray("vocabulary").forEach(w -> words.add(w.getAsString()));
        String[][] context = {{"the", "cat", "sat", "on", "the"}, {"a", "dog"}, {}, {"a", "<unk>"}, {"a", "<unk>"}};
        for (int i = 0; i < rows.size(); i++) {
            CSVRecord r = rows.get(i);
            double sum = 0, prev = 1;
            for (int j = 1; j <= vocab; j++) {
                double v = Double.parseDouble(r.get("p_" + j));
                assertTrue(v <= prev, "row " + i + ": most probable first");
                prev = v;
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5, "row " + i + ": the next word's probabilities sum to 1");
            // The stream <eos> context... next, from zero state, batch 1: its summed eval loss less that of the stream
            // without the last word is -log p(next | context), by the cross-entropy op rather than predict's softmax.
            for (int j : new int[] {1, 2}) {
                int[] ctx = new int[context[i].length + 1], full = new int[ctx.length + 1];
                ctx[0] = words.indexOf("<eos>");
                for (int w = 0; w < context[i].length; w++) ctx[w + 1] = words.indexOf(context[i][w]);
                System.arraycopy(ctx, 0, full, 0, ctx.length);
                full[ctx.length] = words.indexOf(r.get("word_" + j));
                double nll = LmTrainer.evaluateLoss(model, full, 1, 6) * (full.length - 1)
                        - (ctx.length > 1 ? LmTrainer.evaluateLoss(model, ctx, 1, 6) * (ctx.length - 1) : 0);
                assertEquals(Math.exp(-nll), Double.parseDouble(r.get("p_" + j)), 1e-5, "row " + i + " word " + j);
            }
        }
        // An unknown word is read as the vocabulary's <unk>, as the corpus's rare words were.
        for (int j = 1; j <= vocab; j++) assertEquals(rows.get(4).get("p_" + j), rows.get(3).get("p_" + j));

        // Without an <unk> in the vocabulary, an unknown word is one sentence naming file, line and word.
        Path config = loaded.dir().resolve(Checkpoint.CONFIG_FILE);
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        JsonArray v = c.getAsJsonObject("text").getAsJsonArray("vocabulary");
        v.set(words.indexOf("<unk>"), new com.google.gson.JsonPrimitive("<rare>"));
        Files.writeString(config, c.toString());
        p = CliRun.run("predict", "--checkpoint", loaded.dir().toString(), "--input", in.toString(), "--backend", "reference");
        assertEquals(1, p.code());
        assertTrue(p.err().contains(in + ": line 4: the word 'zebra' is not in the model's 10-word vocabulary, which has no <unk> to stand for it"), p.err());
        assertOldCheckpointIsOneSentence(ck, in);
    }
}
