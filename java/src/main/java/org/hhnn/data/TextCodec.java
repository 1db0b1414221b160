package org.hhnn.data;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a text model reads text: its tokenizer, its vocabulary (token strings by id) and, for the classifiers, the
 * sequence length. Checkpoints store it ("text" in config.json) so that {@code hhnn predict} encodes new lines exactly
 * as training encoded its data, without the training files.
 * <ul>
 *   <li>{@value #CHARS} (NAMES): the line stripped of surrounding white space, one token per code point;</li>
 *   <li>{@value #WORDS} (SST-2, your own TSV): {@link Sst2#tokenize};</li>
 *   <li>{@value #PTB} (the language models): words separated by white space, each line a sentence after {@code <eos>}.</li>
 * </ul>
 * The classifiers read a token outside the vocabulary as id 1 ({@code <unk>}) and keep a text's first maxLen tokens, as
 * their loaders did; a language model reads it as its own {@code <unk>} word when its vocabulary has one (PTB's does:
 * its rare words were replaced by it) and refuses it otherwise.
 */
public record TextCodec(String tokenizer, String[] vocabulary, int maxLen) {
    public static final String CHARS = "chars", WORDS = "words", PTB = "ptb-words";
    /** The key of config.json that holds it. */
    public static final String KEY = "text";

    /** A classifier's inputs: ids as floats (rows, maxLen), and how many lines had unknown tokens or were cut. */
    public record Encoded(float[] x, int rows, int withUnknown, int cut) {}

    /**
     * How data set {@code dataset}'s loader encoded train, or null for data that is not token ids or whose text is not
     * read by a loader of ours (token ids a program made itself: no tokenizer is known for them).
     */
    public static TextCodec of(String dataset, Dataset train) {
        if (train.vocabSize() == 0) return null;
        String tok = switch (dataset) {
            case "names" -> CHARS;
            case "sst2", "tsv" -> WORDS;
            default -> null;
        };
        return tok == null ? null : new TextCodec(tok, train.vocabulary(), train.features());
    }

    /** A language model's codec: the corpus's vocabulary. */
    public static TextCodec of(Ptb.Corpus corpus) { return new TextCodec(PTB, corpus.vocab(), 0); }

    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("tokenizer", tokenizer);
        if (maxLen > 0) o.addProperty("max_len", maxLen);
        o.add("vocabulary", new Gson().toJsonTree(vocabulary));
        return o;
    }

    /**
     * The codec a checkpoint's config.json (at file) records, or one sentence: none recorded (a checkpoint saved before
     * checkpoints kept their vocabulary) or a damaged entry.
     */
    public static TextCodec fromConfig(JsonObject config, Path file) {
        JsonElement e = config.get(KEY);
        if (e == null)
            throw DataException.of(file, "records no vocabulary (the checkpoint was saved before hhnn stored one in it); "
                    + "predict on text needs a checkpoint trained with this version");
        try {
            JsonObject o = e.getAsJsonObject();
            String tok = o.get("tokenizer").getAsString();
            if (!List.of(CHARS, WORDS, PTB).contains(tok)) throw new IllegalArgumentException("unknown tokenizer '" + tok + "'");
            JsonArray a = o.getAsJsonArray("vocabulary");
            String[] v = new String[a.size()];
            for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsString();
            return new TextCodec(tok, v, o.has("max_len") ? o.get("max_len").getAsInt() : 0);
        } catch (RuntimeException bad) {
            throw DataException.of(file, "has a damaged \"" + KEY + "\" entry (" + bad.getMessage() + ")", bad);
        }
    }

    /** The tokens of one line as training split them. */
    public List<String> tokens(String line) {
        return switch (tokenizer) {
            case CHARS -> Tokens.chars(line.strip());
            case WORDS -> Sst2.tokenize(line);
            default -> line.isBlank() ? List.of() : List.of(line.strip().split("\\s+"));
        };
    }

    /** A classifier's inputs: each line of file one text; an empty one is an error naming the line. */
    public Encoded encode(Path file) {
        List<String> lines = Tokens.lines(file);
        List<List<String>> docs = new ArrayList<>(lines.size());
        Map<String, Integer> ids = ids();
        int unknown = 0, cut = 0;
        for (int i = 0; i < lines.size(); i++) {
            List<String> t = tokens(lines.get(i));
            if (t.isEmpty())
                throw DataException.of(file, "line " + (i + 1) + " has no " + (tokenizer.equals(CHARS) ? "characters" : "words")
                        + "; predict reads one text per line");
            if (t.stream().anyMatch(w -> !ids.containsKey(w))) unknown++;
            if (t.size() > maxLen) cut++;
            docs.add(t);
        }
        if (docs.isEmpty()) throw DataException.of(file, "holds no lines of text");
        return new Encoded(Tokens.encode(docs, vocabulary, maxLen), docs.size(), unknown, cut);
    }

    /**
     * A language model's inputs: per line, {@code <eos>} and then its words' ids (so a line is read as a sentence that
     * follows another, as sentences follow one another in training; an empty line asks for a sentence's first word).
     */
    public int[][] sentences(Path file) {
        List<String> lines = Tokens.lines(file);
        Map<String, Integer> ids = ids();
        Integer eos = ids.get(Ptb.EOS), unk = ids.get(Tokens.UNK);
        if (eos == null) throw new IllegalStateException("a language model's vocabulary has no " + Ptb.EOS);
        int[][] out = new int[lines.size()][];
        for (int i = 0; i < out.length; i++) {
            List<String> words = tokens(lines.get(i));
            out[i] = new int[words.size() + 1];
            out[i][0] = eos;
            for (int j = 0; j < words.size(); j++) {
                Integer id = ids.getOrDefault(words.get(j), unk);
                if (id == null)
                    throw DataException.of(file, "line " + (i + 1) + ": the word " + Quote.of(words.get(j)) + " is not in the model's "
                            + vocabulary.length + "-word vocabulary, which has no " + Tokens.UNK + " to stand for it");
                out[i][j + 1] = id;
            }
        }
        if (out.length == 0) throw DataException.of(file, "holds no lines of text");
        return out;
    }

    /**
     * Row {@code row} of a classifier's inputs (ids as floats, maxLen a row, as {@link #encode} makes them) as text: its
     * tokens joined as the tokenizer split them (characters run together, words a space apart), padding left out.
     */
    public String text(float[] x, int row) {
        String sep = tokenizer.equals(CHARS) ? "" : " ";
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < maxLen; t++) {
            int id = (int) x[row * maxLen + t];
            if (id == 0) continue;
            if (b.length() > 0) b.append(sep);
            b.append(vocabulary[id]);
        }
        return b.toString();
    }

    /** The lines of a UTF-8 text file as {@link #encode} and {@link #sentences} read them (invalid UTF-8 names its line). */
    public static List<String> lines(Path file) { return Tokens.lines(file); }

    /** token → id; for the classifiers ids 0 and 1 (padding, unknown) are no words. */
    private Map<String, Integer> ids() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = tokenizer.equals(PTB) ? 0 : 2; i < vocabulary.length; i++) m.put(vocabulary[i], i);
        return m;
    }
}
