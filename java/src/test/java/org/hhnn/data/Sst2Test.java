package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SST-2 loading: tokens, vocabulary, padding, bad rows, and the shared copy. */
class Sst2Test {
    @TempDir Path tmp;

    @Test void tokenizer() {
        assertEquals(List.of("it", "does", "n't", "work", ",", "-lrb-", "really", "-rrb-", "!"),
                Sst2.tokenize("It does n't WORK, -LRB- really -RRB- !"));
        assertEquals(List.of("a", "re-imagining", "of", "1930s", "horror", "'s", "best", ".", ".", ".", "no"),
                Sst2.tokenize("a re-imagining of 1930s horror 's best ... no"));
        assertEquals(List.of("don't", "`", "`", "stop", "'", "'"), Sst2.tokenize("don't `` stop ''"));
    }

    private void files(String train, String dev, String test) throws Exception {
        Files.writeString(tmp.resolve("train.tsv"), "label\tsentence\n" + train);
        Files.writeString(tmp.resolve("dev.tsv"), "label\tsentence\n" + dev);
        Files.writeString(tmp.resolve("test.tsv"), "label\tsentence\n" + test);
    }

    @Test void vocabularyPaddingAndUnknownWords() throws Exception {
        files("1\tgood good fun\n0\tbad , bad film\n1\tgood film\n", "0\tbad\n", "1\tgood unseen film\n");
        Sst2.Splits s = Sst2.load(tmp, 2, 3);
        // min count 2: good (3), bad (2), film (2) are words; fun and ',' are unknown.
        assertArrayEquals(new String[] {"<pad>", "<unk>", "good", "bad", "film"}, s.train().vocabulary());
        assertArrayEquals(new int[] {3}, s.train().featureShape());
        assertArrayEquals(new float[] {2, 2, 1, 3, 1, 3, 2, 4, 0}, s.train().x(), "truncated to 3, right-padded with 0");
        assertArrayEquals(new int[] {1, 0, 1}, s.train().y());
        assertArrayEquals(new float[] {3, 0, 0}, s.dev().x());
        assertArrayEquals(new float[] {2, 1, 4}, s.test().x());
        assertArrayEquals(new String[] {"negative", "positive"}, s.test().classNames());
        assertEquals(5, s.test().vocabSize());
    }

    @Test void badRowsNameFileAndLine() throws Exception {
        files("1\tok\n0 no tab here\n", "0\tx\n", "1\ty\n");
        DataException e = assertThrows(DataException.class, () -> Sst2.load(tmp));
        assertTrue(e.getMessage().contains("train.tsv") && e.getMessage().contains("line 3 has no tab"), e.getMessage());
        files("1\tok\n", "0\tx\n2\tz\n", "1\ty\n");
        e = assertThrows(DataException.class, () -> Sst2.load(tmp));
        assertTrue(e.getMessage().contains("dev.tsv") && e.getMessage().contains("line 3 has label '2'"), e.getMessage());
        files("1\tok\n", "0\tx\n", "1\ty\n0\t  \n");
        e = assertThrows(DataException.class, () -> Sst2.load(tmp));
        assertTrue(e.getMessage().contains("test.tsv") && e.getMessage().contains("line 3 has an empty sentence"), e.getMessage());
        Files.writeString(tmp.resolve("test.tsv"), "1\tno header\n");
        e = assertThrows(DataException.class, () -> Sst2.load(tmp));
        assertTrue(e.getMessage().contains("test.tsv") && e.getMessage().contains("line 1 should be the header"), e.getMessage());
        Files.delete(tmp.resolve("test.tsv"));
        e = assertThrows(DataException.class, () -> Sst2.load(tmp));
        assertTrue(e.getMessage().contains("test.tsv") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test void sharedCopy() {
        Path dir = DataSets.sharedData("sst2");
        assumeTrue(Files.isDirectory(dir), "shared SST-2 data not found at " + dir
                + " (set by surefire's hhnn.shared property); the loader was tested on generated files only");
        Sst2.Splits s = Sst2.load(dir);
        assertEquals(6920, s.train().size());
        assertEquals(872, s.dev().size());
        assertEquals(1821, s.test().size());
        assertEquals(3610, java.util.Arrays.stream(s.train().y()).sum(), "positive training sentences");
        assertEquals(909, java.util.Arrays.stream(s.test().y()).sum(), "positive test sentences");
        assertEquals(Sst2.MAX_LEN, s.train().features());
        int v = s.train().vocabSize();
        assertTrue(v > 5000 && v < 15000, "words seen twice in training: " + v);
        // Few test words fall outside the vocabulary, and few sentences are cut.
        long unk = 0, tokens = 0, full = 0;
        float[] x = s.test().x();
        for (int i = 0; i < s.test().size(); i++) {
            for (int j = 0; j < Sst2.MAX_LEN; j++) {
                float id = x[i * Sst2.MAX_LEN + j];
                if (id != 0) tokens++;
                if (id == 1) unk++;
            }
            if (x[i * Sst2.MAX_LEN + Sst2.MAX_LEN - 1] != 0) full++;
        }
        assertTrue(unk < 0.1 * tokens, unk + " unknown of " + tokens);
        assertTrue(full < 20, full + " test sentences fill all " + Sst2.MAX_LEN + " positions");
        DataSets.TrainTest tt = DataSets.load("sst2", null);
        assertEquals(1821, tt.test().size(), "test.tsv is labelled, so it is the test part");
    }
}
