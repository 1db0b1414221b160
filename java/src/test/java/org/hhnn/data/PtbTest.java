package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Penn Treebank reader on small generated files (token streams with &lt;eos&gt;, vocabulary from train in order of
 * first appearance, the bad cases named by file and line) and the batch columns of truncated BPTT.
 * Run: mvn -B -o test -pl java -Dtest=PtbTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class PtbTest {
    @TempDir Path dir;

    void write(String train, String valid, String test) throws IOException {
        Files.writeString(dir.resolve("ptb.train.txt"), train);
        Files.writeString(dir.resolve("ptb.valid.txt"), valid);
        Files.writeString(dir.resolve("ptb.test.txt"), test);
    }

    @Test void streamsWithEosAndTrainVocabulary() throws IOException {
        write(" the cat sat \n the dog \n\n", " dog sat \n", "the cat\r\n");
        Ptb.Corpus c = Ptb.load(dir);
        assertArrayEquals(new String[] {"the", "cat", "sat", "<eos>", "dog"}, c.vocab());
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 4, 3}, c.train());
        assertArrayEquals(new int[] {4, 2, 3}, c.valid());
        assertArrayEquals(new int[] {0, 1, 3}, c.test());
        assertEquals(5, c.vocabSize());
    }

    @Test void unknownWordInValidNamesFileAndLine() throws IOException {
        write("a b\n", "a\nb zebra a\n", "a\n");
        DataException e = assertThrows(DataException.class, () -> Ptb.load(dir));
        assertTrue(e.getMessage().contains("ptb.valid.txt") && e.getMessage().contains("line 2") && e.getMessage().contains("'zebra'"), e.getMessage());
    }

    @Test void emptyMissingAndNonTextFiles() throws IOException {
        write("a b\n", "a\n", "  \n\n");
        DataException empty = assertThrows(DataException.class, () -> Ptb.load(dir));
        assertTrue(empty.getMessage().contains("ptb.test.txt") && empty.getMessage().contains("no words"), empty.getMessage());

        Files.delete(dir.resolve("ptb.valid.txt"));
        DataException missing = assertThrows(DataException.class, () -> Ptb.load(dir));
        assertTrue(missing.getMessage().contains("ptb.valid.txt") && missing.getMessage().contains("no such file"), missing.getMessage());

        write("a b\nb \u0001a\n", "a\n", "a\n");
        DataException control = assertThrows(DataException.class, () -> Ptb.load(dir));
        assertTrue(control.getMessage().contains("ptb.train.txt") && control.getMessage().contains("line 2")
                && control.getMessage().contains("U+0001"), control.getMessage());

        write("a b\n", "a\n", "a\n");
        Files.write(dir.resolve("ptb.test.txt"), new byte[] {'a', '\n', 'a', (byte) 0xC3, '\n'});
        DataException utf = assertThrows(DataException.class, () -> Ptb.load(dir));
        assertTrue(utf.getMessage().contains("ptb.test.txt") && utf.getMessage().contains("line 2"), utf.getMessage());

        DataException noDir = assertThrows(DataException.class, () -> Ptb.load(dir.resolve("nope")));
        assertTrue(noDir.getMessage().contains("nope") && noDir.getMessage().contains("no such directory"), noDir.getMessage());
    }

    @Test void columnsAreContiguousPiecesTimeMajor() {
        int[] stream = new int[23];
        for (int i = 0; i < stream.length; i++) stream[i] = i;
        TokenColumns cols = new TokenColumns(stream, 3);   // 7 steps of 3 columns, the last 2 tokens dropped
        assertEquals(7, cols.length);
        assertArrayEquals(new int[] {0, 7, 14, 1, 8, 15}, cols.inputs(0, 2));
        assertArrayEquals(new int[] {1, 8, 15, 2, 9, 16}, cols.targets(0, 2));
        assertEquals(18, cols.predictions());
        assertEquals(1, cols.fit(5, 35));   // step 5 has one target left (step 6)
        assertArrayEquals(new int[] {6, 13, 20}, cols.targets(5, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenColumns(new int[5], 3));
    }

    /** The real corpus, when the shared data folder is present: Mikolov's counts. */
    @Test void realPennTreebankWhenPresent() {
        Path real = Ptb.defaultDir();
        if (!Files.isDirectory(real)) {
            System.out.println("PtbTest.realPennTreebankWhenPresent: not run, " + real + " is absent");
            return;
        }
        Ptb.Corpus c = Ptb.load(real);
        assertEquals(10000, c.vocabSize());
        assertEquals(929589, c.train().length);
        assertEquals(73760, c.valid().length);
        assertEquals(82430, c.test().length);
    }
}
