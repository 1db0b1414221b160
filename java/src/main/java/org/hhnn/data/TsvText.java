package org.hhnn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Your own text classification, as SST-2 but with any labels: {@code --dataset tsv --data FILE|DIR}, lines of
 * {@code label<TAB>text} (UTF-8; a first line {@code label<TAB>...} is a header). Labels are class names (sorted);
 * texts are tokenized as SST-2's ({@link Sst2#tokenize}) and encoded as token ids with SST-2's vocabulary rule (words
 * seen at least {@link Sst2#MIN_COUNT} times in the training part) and length cap ({@link Sst2#MAX_LEN}). {@code --data}
 * is a folder with {@code train.tsv} and {@code test.tsv}, or one file of which a seeded, stratified 20% is the test
 * part (the vocabulary then comes from the whole file). A bad line is one sentence with the file and line.
 */
public final class TsvText {
    private TsvText() {}

    private record Rows(Path file, List<String> labels, List<List<String>> docs) {}

    private static Rows read(Path file) {
        List<String> lines = Tokens.lines(file);
        List<String> labels = new ArrayList<>();
        List<List<String>> docs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            if (tab < 0) throw DataException.of(file, "line " + (i + 1) + " has no tab between label and text");
            String label = line.substring(0, tab).strip();
            if (i == 0 && label.equalsIgnoreCase("label")) continue;   // header
            List<String> words = Sst2.tokenize(line.substring(tab + 1));
            if (label.isEmpty()) throw DataException.of(file, "line " + (i + 1) + " has an empty label");
            if (words.isEmpty()) throw DataException.of(file, "line " + (i + 1) + " has an empty text");
            labels.add(label);
            docs.add(words);
        }
        if (docs.isEmpty()) throw DataException.of(file, "has no label<TAB>text lines");
        return new Rows(file, labels, docs);
    }

    public static DataSets.TrainTest load(Path path) {
        if (path == null) throw new IllegalArgumentException("--dataset tsv needs --data FILE.tsv (or a folder with train.tsv and test.tsv)");
        boolean dir = Files.isDirectory(path);
        Rows train = read(dir ? path.resolve("train.tsv") : path);
        Rows test = dir ? read(path.resolve("test.tsv")) : null;
        TreeSet<String> names = new TreeSet<>(train.labels());
        if (test != null) names.addAll(test.labels());
        String[] classes = names.toArray(new String[0]);
        String[] vocab = Tokens.vocabulary(train.docs(), Sst2.MIN_COUNT);
        int maxLen = 1;
        for (List<String> d : train.docs()) maxLen = Math.max(maxLen, Math.min(d.size(), Sst2.MAX_LEN));
        Dataset tr = dataset(train, classes, vocab, maxLen, "tsv/train");
        if (test != null) return new DataSets.TrainTest(tr, dataset(test, classes, vocab, maxLen, "tsv/test"), path);
        Dataset.Split s = tr.split(CsvData.TEST_FRACTION, CsvData.SPLIT_SEED);
        return new DataSets.TrainTest(s.train(), s.validation(), path);
    }

    private static Dataset dataset(Rows r, String[] classes, String[] vocab, int maxLen, String name) {
        TreeMap<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < classes.length; i++) index.put(classes[i], i);
        int[] y = r.labels().stream().mapToInt(index::get).toArray();
        return new Dataset(name, Tokens.encode(r.docs(), vocab, maxLen), y, new int[] {maxLen}, classes.length, classes)
                .withVocabulary(vocab);
    }
}
