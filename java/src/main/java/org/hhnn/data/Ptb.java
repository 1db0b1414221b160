package org.hhnn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word-level Penn Treebank (DESIGN.md § Language modelling): {@code ptb.train.txt}, {@code ptb.valid.txt} and
 * {@code ptb.test.txt}, one sentence per line, words separated by spaces. Each line's words then {@code <eos>} make
 * one token stream per split. The vocabulary comes from train alone, in order of first appearance (as PyTorch's
 * word_language_model and awd-lstm-lm number it), so ids depend only on the file; a word of valid or test that train
 * never has is an error naming file and line, as are an empty or unreadable file, invalid UTF-8 and a control
 * character (a non-text byte).
 */
public final class Ptb {
    public static final String EOS = "<eos>";
    public static final String[] FILES = {"ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"};

    private Ptb() {}

    /** The three splits as token-id streams over one vocabulary (vocab[id] is the word). */
    public record Corpus(String[] vocab, int[] train, int[] valid, int[] test, Path dir) {
        public int vocabSize() { return vocab.length; }
    }

    /** The standard location beside the checkout: ../shared/data/ptb. */
    public static Path defaultDir() { return DataSets.sharedData("ptb"); }

    public static Corpus load(Path dir) {
        if (!Files.isDirectory(dir)) throw DataException.of(dir, "no such directory (the Penn Treebank folder holding " + String.join(", ", FILES) + ")");
        Map<String, Integer> ids = new HashMap<>();
        List<String> vocab = new ArrayList<>();
        int[] train = read(dir.resolve(FILES[0]), ids, vocab, true);
        int[] valid = read(dir.resolve(FILES[1]), ids, vocab, false);
        int[] test = read(dir.resolve(FILES[2]), ids, vocab, false);
        return new Corpus(vocab.toArray(new String[0]), train, valid, test, dir);
    }

    /**
     * The token ids of one file. With grow, a new word gets the next id; without, it is an error naming file and line
     * (valid and test are numbered with train's vocabulary).
     */
    static int[] read(Path file, Map<String, Integer> ids, List<String> vocab, boolean grow) {
        List<String> lines = Tokens.lines(file);
        int[] out = new int[1024];
        int n = 0;
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (Character.isISOControl(ch) && ch != '\t')
                    throw DataException.of(file, String.format("line %d holds the control character U+%04X at column %d; "
                            + "expected text (one sentence of space-separated words per line)", ln + 1, (int) ch, i + 1));
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) continue;   // a blank line (e.g. a trailing one) is no sentence
            String[] words = trimmed.split("\\s+");
            for (int w = 0; w <= words.length; w++) {
                String word = w < words.length ? words[w] : EOS;
                Integer id = ids.get(word);
                if (id == null) {
                    if (!grow)
                        throw DataException.of(file, "line " + (ln + 1) + ": the word '" + word
                                + "' is not in the vocabulary of " + FILES[0] + " (every word of valid and test must occur in train)");
                    id = vocab.size();
                    ids.put(word, id);
                    vocab.add(word);
                }
                if (n == out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
                out[n++] = id;
            }
        }
        if (n == 0) throw DataException.of(file, "holds no words (an empty file)");
        return java.util.Arrays.copyOf(out, n);
    }
}
