package org.hhnn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * NAMES (surnames by language of origin, the char-RNN tutorial data): a directory of
 * {@code <Class>.txt} files, one name per line, UTF-8. Classes are the files sorted by name.
 *
 * <p>Items are character sequences: x holds token ids as floats, shape {maxLen}, right-padded
 * with id 0; id 1 is a character the training part never showed, ids 2.. its characters (see
 * {@link Dataset#vocabulary()}). Each line is stripped of surrounding white space (the source has
 * ten names with a trailing space); an empty line is an error. maxLen is the longest training
 * name, capped at {@link #MAX_LEN_CAP} (the longest name in the shared copy has 20 characters).
 *
 * <p>The test part is a stratified, seeded {@link #TEST_FRACTION} of each class: stratified so
 * the small classes (Vietnamese has 73 names) are in it at all. Its seed is fixed
 * ({@link #SPLIT_SEED}), not the training seed, so every run of an experiment is tested on the
 * same names and runs differ only in training. Both parts list their items in a seeded random
 * order, not class by class, so a prefix of the training part ({@code --limit-train}) has all classes.
 */
public final class Names {
    public static final int MAX_LEN_CAP = 20;
    public static final double TEST_FRACTION = 0.1;
    public static final long SPLIT_SEED = 1;

    private Names() {}

    /** Train and test parts with the default split and length cap. */
    public static DataSets.TrainTest load(Path dir) {
        return load(dir, TEST_FRACTION, SPLIT_SEED, MAX_LEN_CAP);
    }

    public static DataSets.TrainTest load(Path dir, double testFraction, long splitSeed, int maxLenCap) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("NAMES test fraction must be in (0, 1), got " + testFraction);
        }
        if (maxLenCap < 1) {
            throw new IllegalArgumentException("NAMES length cap must be at least 1, got " + maxLenCap);
        }
        List<Path> files = classFiles(dir);
        String[] classNames = new String[files.size()];
        List<List<String>> trainDocs = new ArrayList<>(), testDocs = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>(), testY = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(splitSeed);
        for (int c = 0; c < files.size(); c++) {
            Path f = files.get(c);
            String fn = f.getFileName().toString();
            classNames[c] = fn.substring(0, fn.length() - ".txt".length());
            List<List<String>> names = readNames(f);
            int n = names.size();
            // At least one test name per class when it has two, and never all of them.
            int nTest = (int) Math.min(n - 1, Math.max(n >= 2 ? 1 : 0, Math.round(testFraction * n)));
            int[] perm = Dataset.permutation(n, rng);
            boolean[] isTest = new boolean[n];
            for (int k = 0; k < nTest; k++) {
                isTest[perm[k]] = true;
            }
            for (int i = 0; i < n; i++) {
                (isTest[i] ? testDocs : trainDocs).add(names.get(i));
                (isTest[i] ? testY : trainY).add(c);
            }
        }
        // The files come class by class; a seeded shuffle of each part makes any prefix (--limit-train) a fair sample.
        shuffle(trainDocs, trainY, rng);
        shuffle(testDocs, testY, rng);
        String[] vocab = Tokens.vocabulary(trainDocs, 1);
        int maxLen = Math.min(maxLenCap, trainDocs.stream().mapToInt(List::size).max().orElse(1));
        return new DataSets.TrainTest(dataset("names/train", trainDocs, trainY, vocab, maxLen, classNames),
                dataset("names/test", testDocs, testY, vocab, maxLen, classNames), dir);
    }

    private static Dataset dataset(String name, List<List<String>> docs, List<Integer> y, String[] vocab,
            int maxLen, String[] classNames) {
        float[] x = Tokens.encode(docs, vocab, maxLen);
        int[] labels = y.stream().mapToInt(Integer::intValue).toArray();
        return new Dataset(name, x, labels, new int[] {maxLen}, classNames.length, classNames).withVocabulary(vocab);
    }

    private static void shuffle(List<List<String>> docs, List<Integer> y, SplittableRandom rng) {
        int[] perm = Dataset.permutation(docs.size(), rng);
        List<List<String>> d = new ArrayList<>(docs);
        List<Integer> l = new ArrayList<>(y);
        for (int i = 0; i < perm.length; i++) {
            docs.set(i, d.get(perm[i]));
            y.set(i, l.get(perm[i]));
        }
    }

    /** The directory's *.txt files sorted by file name; at least two, as a classifier needs. */
    private static List<Path> classFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("NAMES directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + "; it should hold one <Class>.txt file per class (--data DIR points elsewhere)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt") && Files.isRegularFile(p))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw DataException.of(dir, "cannot list the NAMES directory (" + e.getMessage() + ")", e);
        }
        if (files.size() < 2) {
            throw DataException.of(dir, "holds " + files.size() + " <Class>.txt file(s) but NAMES needs at least two classes");
        }
        return files;
    }

    /** One class file's names as character lists. */
    private static List<List<String>> readNames(Path file) {
        List<String> lines = Tokens.lines(file);
        List<List<String>> names = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                throw DataException.of(file, "line " + (i + 1) + " is empty, but every line must hold one name");
            }
            names.add(Tokens.chars(name));
        }
        if (names.isEmpty()) {
            throw DataException.of(file, "holds no names");
        }
        return names;
    }
}
