package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings a search tries: the grid's combinations, random draws within their ranges, and each bad spec's sentence. */
class SearchTest {
    @Test void gridIsEveryCombinationInOrder() {
        Search g = Search.grid(List.of("lr=0.01,0.1", "hidden=8,16,32"));
        assertEquals(6, g.settings().size());
        assertEquals(Map.of("lr", "0.01", "hidden", "8"), g.settings().get(0));
        assertEquals(Map.of("lr", "0.01", "hidden", "16"), g.settings().get(1));
        assertEquals(Map.of("lr", "0.1", "hidden", "32"), g.settings().get(5));
        assertEquals("grid lr=0.01,0.1 hidden=8,16,32", g.describe());
    }

    @Test void randomDrawsStayInRangeRatesLogUniformly() {
        Search r = Search.random(400, List.of("lr=1e-4:1e-1", "hidden=8:12", "momentum=0.5:0.9"), 7);
        assertEquals(r.settings(), Search.random(400, List.of("lr=1e-4:1e-1", "hidden=8:12", "momentum=0.5:0.9"), 7).settings(), "seeded");
        int belowMilli = 0;
        java.util.Set<String> hidden = new java.util.TreeSet<>();
        for (Map<String, String> s : r.settings()) {
            double lr = Double.parseDouble(s.get("lr")), m = Double.parseDouble(s.get("momentum"));
            assertTrue(lr >= 0.99e-4 && lr <= 1.01e-1, s.toString());
            assertTrue(m >= 0.5 && m <= 0.9, s.toString());
            if (lr < 1e-3) belowMilli++;
            hidden.add(s.get("hidden"));
        }
        // Log-uniform: a third of the draws fall in the lowest of three decades (uniform would put 0.9% there).
        assertTrue(belowMilli > 90 && belowMilli < 180, belowMilli + " of " + r.settings().size());
        assertEquals(java.util.Set.of("8", "9", "10", "11", "12"), hidden, "whole numbers, both ends included");
        assertTrue(r.describe().contains("lr=1e-4:1e-1 (log-uniform)") && r.describe().contains("hidden=8:12 (whole numbers)")
                && r.describe().contains("momentum=0.5:0.9 (uniform)"), r.describe());
        assertTrue(Search.isRate("lr") && Search.isRate("weight_decay") && Search.isRate("hebbian_rate") && !Search.isRate("momentum"));
    }

    @Test void badGridsAndRangesAreOneSentence() {
        assertBad(() -> Search.grid(List.of("lr=")), "--grid 'lr=' lists no value for lr (an empty grid");
        assertBad(() -> Search.grid(List.of("lr=,")), "lists no value for lr");
        assertBad(() -> Search.grid(List.of("0.1,0.2")), "--grid '0.1,0.2': write KEY=a,b,c");
        assertBad(() -> Search.grid(List.of("lr=1,2", "lr=3")), "--grid gives lr twice");
        assertBad(() -> Search.random(3, List.of("lr=0.1:0.01"), 1), "--random 'lr=0.1:0.01': lr's range 0.1:0.01 is empty or backwards");
        assertBad(() -> Search.random(3, List.of("lr=0:0.1"), 1), "lr is a rate, drawn log-uniformly, so its range must be above 0");
        assertBad(() -> Search.random(3, List.of("lr=a:b"), 1), "lr's range needs two numbers lo:hi");
        assertBad(() -> Search.random(3, List.of("lr"), 1), "--random 'lr': write KEY=lo:hi");
        assertBad(() -> Search.random(0, List.of("lr=0.1:1"), 1), "--random needs at least 1 draw");
    }

    private static void assertBad(org.junit.jupiter.api.function.Executable e, String expected) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.contains(expected), m);
    }
}
