package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** Precision, recall and F1 from a hand-made matrix, worked out by hand. */
class ConfusionTest {
    // true a: 3 predicted a, 1 predicted b; true b: 2 a, 4 b; true c: none, and c is never predicted.
    final Confusion c = new Confusion(new String[] {"a", "b", "c"}, new long[][] {{3, 1, 0}, {2, 4, 0}, {0, 0, 0}});

    @Test void perClassFiguresAndMacroAverages() {
        assertEquals(0.7, c.accuracy(), 1e-15);
        assertEquals(3.0 / 5, c.precision(0), 1e-15);
        assertEquals(3.0 / 4, c.recall(0), 1e-15);
        assertEquals(2 * 0.6 * 0.75 / 1.35, c.f1(0), 1e-15);
        assertEquals(4.0 / 5, c.precision(1), 1e-15);
        assertEquals(4.0 / 6, c.recall(1), 1e-15);
        assertTrue(Double.isNaN(c.precision(2)) && Double.isNaN(c.recall(2)) && Double.isNaN(c.f1(2)));
        JsonObject j = c.json();
        assertEquals((0.6 + 0.8) / 2, j.get("macro_precision").getAsDouble(), 1e-15);
        assertEquals((0.75 + 4.0 / 6) / 2, j.get("macro_recall").getAsDouble(), 1e-15);
        assertTrue(j.getAsJsonArray("per_class").get(2).getAsJsonObject().get("f1").isJsonNull());
        assertEquals("[[3,1,0],[2,4,0],[0,0,0]]", j.get("matrix").toString());
        String t = c.table();
        assertTrue(t.contains("\n0 a          3      1      0\n"), t);
        assertTrue(t.contains("\n2 c           NaN       NaN       NaN        0\n"), t);
        assertTrue(t.contains("\nmacro      0.7000    0.7083    0.6970       10\n"), t);
        assertTrue(t.contains("1 b        0.8000    0.6667    0.7273        6"), t);
    }
}
