package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentile bootstrap: determinism under a seed and sensible intervals. */
class BootstrapTest {
    @Test void seededAndSensible() {
        double[] v = StatsTest.sample(new Random(1), 30, 0.78, 0.005);
        Bootstrap.Interval a = Bootstrap.meanCi(v, 2000, 0.95, 7), b = Bootstrap.meanCi(v, 2000, 0.95, 7);
        assertEquals(a, b, "same seed, same interval");
        assertNotEquals(a, Bootstrap.meanCi(v, 2000, 0.95, 8));
        assertEquals(Stats.mean(v), a.mean(), 0);
        assertTrue(a.lower() < a.mean() && a.mean() < a.upper(), a.toString());
        // About mean ± 1.96 SD / sqrt(n) for a normal sample.
        double half = 1.96 * Stats.std(v) / Math.sqrt(30);
        assertEquals(half, (a.upper() - a.lower()) / 2, 0.25 * half, a.toString());
        Bootstrap.Interval narrow = Bootstrap.meanCi(v, 2000, 0.5, 7);
        assertTrue(narrow.upper() - narrow.lower() < a.upper() - a.lower());
        Bootstrap.Interval constant = Bootstrap.meanCi(new double[] {0.7, 0.7, 0.7}, 100, 0.95, 1);
        assertEquals(0.7, constant.lower(), 1e-15);
        assertEquals(0.7, constant.upper(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanCi(v, 0, 0.95, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanCi(v, 10, 1.0, 1));
    }
}
