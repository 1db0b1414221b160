package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TextCodec#text}: a classifier's input row back as text, the inverse of {@link TextCodec#encode} (the CLI paths are in PredictTextTest). */
class TextCodecTest {
    @TempDir Path tmp;

    @Test void textUndoesEncodeForCharactersAndWords() throws Exception {
        Path f = tmp.resolve("in.txt");
        Files.writeString(f, "  abca \nba\n");
        TextCodec chars = new TextCodec(TextCodec.CHARS, new String[] {"<pad>", "<unk>", "a", "b"}, 4);
        TextCodec.Encoded e = chars.encode(f);
        assertEquals("ab<unk>a", chars.text(e.x(), 0), "characters run together; one outside the vocabulary reads <unk>");
        assertEquals("ba", chars.text(e.x(), 1), "padding left out");

        Files.writeString(f, "A good film, a good cast\n");
        TextCodec words = new TextCodec(TextCodec.WORDS, new String[] {"<pad>", "<unk>", "good", "film", "a"}, 4);
        assertEquals("a good film <unk>", words.text(words.encode(f).x(), 0), "words a space apart, cut at maxLen as training cut them");
    }
}
