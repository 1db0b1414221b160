package org.hhnn.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token-id convention shared by the sequence data sets ({@link Names}, {@link Sst2}) and the
 * sequence models: id 0 is padding, id 1 the unknown token, ids 2.. the vocabulary; sequences are
 * right-padded with 0 to a fixed length, so a sequence's length is the count of its leading
 * non-zero ids.
 */
final class Tokens {
    static final String PAD = "<pad>";
    static final String UNK = "<unk>";
    static final int PAD_ID = 0;
    static final int UNK_ID = 1;

    private Tokens() {}

    /**
     * PAD, UNK, then every token seen at least minCount times in docs, most frequent first (ties
     * by string), so the ids depend only on the documents, never on hash order.
     */
    static String[] vocabulary(List<List<String>> docs, int minCount) {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> d : docs) {
            for (String t : d) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minCount) {
                kept.add(e);
            }
        }
        kept.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        String[] vocab = new String[kept.size() + 2];
        vocab[PAD_ID] = PAD;
        vocab[UNK_ID] = UNK;
        for (int i = 0; i < kept.size(); i++) {
            vocab[i + 2] = kept.get(i).getKey();
        }
        return vocab;
    }

    /** Row-major [docs, maxLen] ids: each doc's first maxLen tokens, unknown ones as UNK_ID, then PAD_ID. */
    static float[] encode(List<List<String>> docs, String[] vocab, int maxLen) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 2; i < vocab.length; i++) {
            ids.put(vocab[i], i);
        }
        float[] x = new float[docs.size() * maxLen];
        for (int d = 0; d < docs.size(); d++) {
            List<String> doc = docs.get(d);
            for (int j = 0; j < Math.min(maxLen, doc.size()); j++) {
                x[d * maxLen + j] = ids.getOrDefault(doc.get(j), UNK_ID);
            }
        }
        return x;
    }

    /** The unicode code points of s, one string each (so a letter outside the BMP stays one token). */
    static List<String> chars(String s) {
        List<String> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    /**
     * The lines of a UTF-8 text file (LF or CRLF endings, a leading byte-order mark dropped). Invalid
     * UTF-8 is an error naming the line, not silently replaced characters that would become tokens.
     * Lines are decoded one by one from the bytes so that the line number is exact.
     */
    static List<String> lines(Path file) {
        byte[] bytes = DataFiles.readAllBytes(file, "no such file");
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString();
            } catch (CharacterCodingException e) {
                throw DataException.of(file, "line " + (lines.size() + 1) + " is not valid UTF-8", e);
            }
            lines.add(lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line);
            start = end + 1;
        }
        return lines;
    }
}
