package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAMES loading: the token-id convention, the stratified seeded split, bad files, and the shared copy. */
class NamesTest {
    @TempDir Path tmp;

    private Path write(String file, String text) throws Exception {
        Path p = tmp.resolve(file);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** The characters of item i, read back through the vocabulary; padding must only trail. */
    static String decode(Dataset d, int i) {
        String[] vocab = d.vocabulary();
        int len = d.features();
        StringBuilder sb = new StringBuilder();
        boolean padding = false;
        for (int j = 0; j < len; j++) {
            int id = (int) d.x()[i * len + j];
            if (id == 0) {
                padding = true;
            } else {
                assertTrue(!padding, "item " + i + ": a token after padding (padding must be on the right)");
                sb.append(id == 1 ? "?" : vocab[id]);
            }
        }
        return sb.toString();
    }

    @Test void generatedNamesFollowTheTokenConvention() throws Exception {
        List<String> b = new ArrayList<>(), a = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            b.add("Bb" + (char) ('a' + i % 26));
            a.add("Aa" + "x".repeat(i % 5));
        }
        write("Beta.txt", String.join("\n", b) + "\n");
        write("Alpha.txt", String.join("\r\n", a) + " \r\n"); // CRLF and a trailing space are tolerated
        write("README.md", "not a class");
        DataSets.TrainTest tt = Names.load(tmp);
        Dataset train = tt.train(), test = tt.test();
        assertArrayEquals(new String[] {"Alpha", "Beta"}, train.classNames(), "classes sorted by file name");
        assertEquals(60, train.size() + test.size());
        assertEquals(6, test.size(), "10% of each class: 3 + 3");
        assertEquals(3, java.util.Arrays.stream(test.y()).filter(y -> y == 0).count(), "stratified");
        assertEquals(6, train.features(), "the longest training name ('Aaxxxx') sets maxLen");
        assertArrayEquals(new int[] {6}, train.featureShape());
        assertEquals("<pad>", train.vocabulary()[0]);
        assertEquals("<unk>", train.vocabulary()[1]);
        assertEquals(train.vocabSize(), test.vocabSize());
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        for (int i = 0; i < train.size(); i++) {
            String s = decode(train, i);
            assertTrue((train.y()[i] == 0 ? a : b).contains(s), "train item " + i + " decodes to a name of its class: " + s);
        }
        for (int i = 0; i < test.size(); i++) {
            String s = decode(test, i);
            // A test name's characters missing from training read back as '?' (the unknown id 1).
            assertTrue((test.y()[i] == 0 ? a : b).stream().anyMatch(n -> n.length() == s.length()), s);
        }
        // The split's seed is fixed, so loading twice gives the same data.
        assertArrayEquals(test.x(), Names.load(tmp).test().x());
        assertArrayEquals(train.y(), Names.load(tmp).train().y());
        // Another split seed gives another test set.
        assertTrue(!java.util.Arrays.equals(test.x(), Names.load(tmp, 0.1, 99, 20).test().x()));
    }

    @Test void lengthCapTruncates() throws Exception {
        // One of each class's three names is tested, so a 10-letter name is in the training part.
        write("A.txt", "abcdefghij\nabcdefghik\nab\n");
        write("B.txt", "xyz\nxy\nx\n");
        Dataset train = Names.load(tmp, 0.1, 1, 4).train();
        assertEquals(4, train.features());
    }

    @Test void charactersUnseenInTrainingAreUnknown() throws Exception {
        // One class holds a single character in only one of its two names; whichever is in the test part,
        // the vocabulary has exactly the training characters.
        write("A.txt", "aa\naz\n");
        write("B.txt", "bb\nbb\n");
        DataSets.TrainTest tt = Names.load(tmp, 0.5, 3, 20);
        String train = String.join("", java.util.stream.IntStream.range(0, tt.train().size())
                .mapToObj(i -> decode(tt.train(), i)).toList());
        for (int i = 0; i < tt.test().size(); i++) {
            for (char c : decode(tt.test(), i).toCharArray()) {
                assertTrue(c == '?' || train.indexOf(c) >= 0, "test char " + c + " must be a training char or unknown");
            }
        }
        assertEquals(2 + (int) train.chars().distinct().count(), tt.train().vocabSize());
    }

    @Test void badFilesNameFileAndLine() throws Exception {
        write("A.txt", "Abe\n\nAda\n");
        write("B.txt", "Bo\n");
        DataException e = assertThrows(DataException.class, () -> Names.load(tmp));
        assertTrue(e.getMessage().contains("A.txt") && e.getMessage().contains("line 2 is empty"), e.getMessage());

        Files.write(tmp.resolve("A.txt"), new byte[] {'A', 'b', '\n', 'C', (byte) 0xC3, '\n'});
        e = assertThrows(DataException.class, () -> Names.load(tmp));
        assertTrue(e.getMessage().contains("A.txt") && e.getMessage().contains("line 2 is not valid UTF-8"), e.getMessage());

        Files.delete(tmp.resolve("A.txt"));
        e = assertThrows(DataException.class, () -> Names.load(tmp));
        assertTrue(e.getMessage().contains("at least two classes"), e.getMessage());

        e = assertThrows(DataException.class, () -> Names.load(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test void sharedCopy() {
        Path dir = DataSets.sharedData("names");
        assumeTrue(Files.isDirectory(dir), "shared NAMES data not found at " + dir
                + " (set by surefire's hhnn.shared property); the loader was tested on generated files only");
        DataSets.TrainTest tt = DataSets.load("names", null);
        assertEquals(18, tt.train().numClasses());
        assertEquals("Arabic", tt.train().classNames()[0]);
        assertEquals(20050, tt.train().size() + tt.test().size(), "every line of the 18 files");
        double frac = (double) tt.test().size() / 20050;
        assertTrue(frac > 0.095 && frac < 0.105, "about 10% for testing: " + frac);
        for (int c = 0; c < 18; c++) {
            final int cc = c;
            assertTrue(java.util.Arrays.stream(tt.test().y()).anyMatch(y -> y == cc), "every class is tested, also " + c);
        }
        assertEquals(20, tt.train().features(), "the longest name has 20 characters");
        assertTrue(tt.train().vocabSize() > 55 && tt.train().vocabSize() < 120, "letters, accents, punctuation: " + tt.train().vocabSize());
    }
}
