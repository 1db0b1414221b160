package org.hhnn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SST-2 (Stanford Sentiment Treebank, binary, sentence level): a directory of {@code train.tsv},
 * {@code dev.tsv} and {@code test.tsv}, each a header line {@code label<TAB>sentence} and then one
 * {@code 0|1<TAB>sentence} per line (0 = negative, 1 = positive). All three are labelled.
 *
 * <p>Items are word sequences in the token-id convention of {@link Names}: shape {maxLen}, right-
 * padded with id 0, id 1 for a word outside the vocabulary, which holds the training words seen at
 * least {@code minCount} times. The default minCount of {@value #MIN_COUNT} turns words seen once
 * into the unknown token, so its embedding is trained and test words never seen map to a trained
 * vector. Sentences longer than maxLen (default {@value #MAX_LEN}; 14 of the 6920 training sentences
 * reach 50) keep their first maxLen words.
 */
public final class Sst2 {
    public static final int MAX_LEN = 50;
    public static final int MIN_COUNT = 2;
    public static final String[] CLASS_NAMES = {"negative", "positive"};

    /**
     * Words, in order of preference: the treebank's bracket tokens ({@code -lrb-}); letter/digit runs
     * joined by inner hyphens, apostrophes or dots, optionally with a leading apostrophe ({@code n't},
     * {@code 's}, {@code re-imagining}, {@code 1930s}); any other non-space character on its own.
     */
    private static final Pattern TOKEN = Pattern.compile(
            "-(?:lrb|rrb|lsb|rsb|lcb|rcb)-|['’]?[\\p{L}\\p{N}]+(?:[-'’.][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

    /** The three labelled parts; dev is the tuning set, test the reported one. */
    public record Splits(Dataset train, Dataset dev, Dataset test) {}

    private Sst2() {}

    public static Splits load(Path dir) {
        return load(dir, MIN_COUNT, MAX_LEN);
    }

    public static Splits load(Path dir, int minCount, int maxLen) {
        if (minCount < 1) {
            throw new IllegalArgumentException("SST-2 vocabulary min count must be at least 1, got " + minCount);
        }
        if (maxLen < 1) {
            throw new IllegalArgumentException("SST-2 length cap must be at least 1, got " + maxLen);
        }
        Rows train = read(dir.resolve("train.tsv"));
        Rows dev = read(dir.resolve("dev.tsv"));
        Rows test = read(dir.resolve("test.tsv"));
        String[] vocab = Tokens.vocabulary(train.docs, minCount);
        return new Splits(train.dataset("sst2/train", vocab, maxLen), dev.dataset("sst2/dev", vocab, maxLen),
                test.dataset("sst2/test", vocab, maxLen));
    }

    /** Lower-cased (root locale) word tokens of a sentence; see {@link #TOKEN}. */
    public static List<String> tokenize(String sentence) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(sentence.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private record Rows(List<List<String>> docs, int[] labels) {
        Dataset dataset(String name, String[] vocab, int maxLen) {
            return new Dataset(name, Tokens.encode(docs, vocab, maxLen), labels, new int[] {maxLen}, 2, CLASS_NAMES)
                    .withVocabulary(vocab);
        }
    }

    private static Rows read(Path file) {
        List<String> lines = Tokens.lines(file);
        if (lines.isEmpty() || !lines.get(0).strip().equalsIgnoreCase("label\tsentence")) {
            throw DataException.of(file, "line 1 should be the header label<TAB>sentence");
        }
        List<List<String>> docs = new ArrayList<>();
        int[] labels = new int[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw DataException.of(file, "line " + (i + 1) + " has no tab between label and sentence");
            }
            String label = line.substring(0, tab).strip();
            if (!label.equals("0") && !label.equals("1")) {
                throw DataException.of(file, "line " + (i + 1) + " has label " + Quote.of(label) + ", but SST-2 labels are 0 or 1");
            }
            List<String> words = tokenize(line.substring(tab + 1));
            if (words.isEmpty()) {
                throw DataException.of(file, "line " + (i + 1) + " has an empty sentence");
            }
            labels[i - 1] = label.charAt(0) - '0';
            docs.add(words);
        }
        if (docs.isEmpty()) {
            throw DataException.of(file, "holds a header but no sentences");
        }
        return new Rows(docs, labels);
    }
}
