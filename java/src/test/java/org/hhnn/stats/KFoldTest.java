package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** k-fold indices: a partition, balanced, seeded. */
class KFoldTest {
    @Test void foldsPartitionTheIndices() {
        int n = 23, k = 5;
        List<KFold.Fold> folds = KFold.split(n, k, 11);
        assertEquals(k, folds.size());
        int[] tested = new int[n];
        for (KFold.Fold f : folds) {
            assertTrue(f.test().length == 4 || f.test().length == 5, "sizes differ by at most one");
            assertEquals(n, f.test().length + f.train().length);
            boolean[] inTest = new boolean[n];
            for (int i : f.test()) { tested[i]++; inTest[i] = true; }
            for (int i : f.train()) assertTrue(!inTest[i], "train and test are disjoint");
            for (int i = 1; i < f.train().length; i++) assertTrue(f.train()[i - 1] < f.train()[i], "sorted");
        }
        for (int c : tested) assertEquals(1, c, "every index is tested exactly once");
        assertArrayEquals(folds.get(2).test(), KFold.split(n, k, 11).get(2).test(), "seeded");
        assertTrue(!java.util.Arrays.equals(folds.get(0).test(), KFold.split(n, k, 12).get(0).test()));
        assertThrows(IllegalArgumentException.class, () -> KFold.split(3, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> KFold.split(10, 1, 1));
    }
}
