package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

/** org.hhnn.stats against commons-math3 (an independent implementation), hand-computed values and the paper's table. */
class StatsTest {
    /** commons-math3's Welch–Satterthwaite degrees of freedom (protected there). */
    static final class CommonsTTest extends TTest {
        double welchDf(double[] a, double[] b) {
            return df(org.apache.commons.math3.stat.StatUtils.variance(a), org.apache.commons.math3.stat.StatUtils.variance(b),
                    a.length, b.length);
        }
    }

    static double[] sample(Random r, int n, double mean, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = mean + sd * r.nextGaussian();
        return v;
    }

    @Test void welchMatchesCommonsMath() {
        Random r = new Random(42);
        CommonsTTest ref = new CommonsTTest();
        int[][] sizes = {{2, 2}, {3, 7}, {5, 5}, {10, 30}, {30, 30}, {100, 100}, {4, 200}};
        for (int[] s : sizes) {
            for (int k = 0; k < 20; k++) {
                // Means apart by 0 .. 2 SDs and unequal variances: p from ~1 down to ~1e-30.
                double[] a = sample(r, s[0], 0.78, 0.005 + 0.01 * r.nextDouble());
                double[] b = sample(r, s[1], 0.78 - 0.02 * r.nextDouble(), 0.005 + 0.01 * r.nextDouble());
                Stats.Welch w = Stats.welch(a, b);
                String at = "sizes " + s[0] + "," + s[1] + " case " + k;
                assertEquals(ref.t(a, b), w.t(), 1e-9 * Math.abs(w.t()), at);
                assertEquals(ref.welchDf(a, b), w.df(), 1e-9 * w.df(), at);
                double p = ref.tTest(a, b);
                // Relative agreement, also for tiny p (commons computes 1 - CDF, good to ~1e-14 absolute).
                assertEquals(p, w.p(), Math.max(1e-9 * p, 1e-13), at + ": p " + p + " vs " + w.p());
            }
        }
    }

    @Test void studentTAndSpecialFunctionsMatchCommonsMath() {
        double[] dfs = {0.5, 1, 1.9, 2, 5, 29.3, 57.7, 100, 1e4};
        double[] ts = {-40, -5, -2.5, -1, -0.1, 0, 0.3, 1.96, 3, 12};
        for (double df : dfs) {
            TDistribution td = new TDistribution(null, df, 1e-14);
            for (double t : ts) {
                assertEquals(td.cumulativeProbability(t), StudentT.cdf(t, df), 1e-12, "cdf t=" + t + " df=" + df);
            }
        }
        for (double x : new double[] {0.5, 1, 1.5, 3.7, 10, 50.5, 1e3}) {
            assertEquals(Gamma.logGamma(x), StudentT.logGamma(x), 1e-12 * Math.max(1, Math.abs(Gamma.logGamma(x))), "logGamma " + x);
        }
        for (double x : new double[] {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999}) {
            for (double[] ab : new double[][] {{0.5, 0.5}, {1, 3}, {15, 0.5}, {50, 20}, {2.5, 2.5}}) {
                assertEquals(Beta.regularizedBeta(x, ab[0], ab[1]), StudentT.regularizedBeta(x, ab[0], ab[1]), 1e-12,
                        "I_" + x + "(" + ab[0] + ", " + ab[1] + ")");
            }
        }
    }

    @Test void hedgesGOnAHandComputedExample() {
        // a: mean 4, variance 4; b: mean 2, variance 1. Pooled SD = sqrt((2*4 + 2*1) / 4) = sqrt(2.5);
        // d = 2 / sqrt(2.5) = 1.264911...; J = 1 - 3 / (4*6 - 9) = 0.8; g = 1.011928...
        double[] a = {2, 4, 6}, b = {1, 2, 3};
        assertEquals(2 / Math.sqrt(2.5) * 0.8, Stats.hedgesG(a, b), 1e-12);
        assertEquals(1.0119288512538813, Stats.hedgesG(a, b), 1e-12);
        assertEquals(-Stats.hedgesG(a, b), Stats.hedgesG(b, a), 1e-15, "antisymmetric");
        assertEquals(4, Stats.mean(a), 0);
        assertEquals(2, Stats.std(a), 1e-15);
        assertTrue(Double.isNaN(Stats.std(new double[] {1})), "no spread from one value");
        assertThrows(IllegalArgumentException.class, () -> Stats.hedgesG(new double[] {1}, b));
    }

    /**
     * The modulation paper's Table 4 (Simple-LSTM on NAMES, n = 30 per condition) reports p < .006, .007
     * and .06 for the modulated LSTM against Controls 1, 2 and 3: Welch's test on its means and SDs agrees.
     */
    @Test void paperTable4PValues() {
        double m = 0.77898, s = 0.00526;
        double[][] controls = {{0.77490, 0.00565, 0.006}, {0.77516, 0.00531, 0.007}, {0.77602, 0.00650, 0.06}};
        for (double[] c : controls) {
            Stats.Welch w = Stats.welch(m, s * s, 30, c[0], c[1] * c[1], 30);
            assertTrue(w.p() < c[2] && w.p() > c[2] * 0.75, "p " + w.p() + " against the paper's p < " + c[2]);
        }
    }

    @Test void constantSamplesTakeTheLimit() {
        Stats.Welch same = Stats.welch(new double[] {0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
        assertEquals(1, same.p());
        Stats.Welch apart = Stats.welch(new double[] {0.6, 0.6}, new double[] {0.5, 0.5});
        assertEquals(0, apart.p());
        assertTrue(Double.isInfinite(apart.t()) && apart.t() > 0);
    }

    @Test void quantileIsType7() {
        Random r = new Random(3);
        double[] v = sample(r, 37, 0, 1);
        Percentile p7 = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        for (double q : new double[] {0.025, 0.25, 0.5, 0.9, 0.975}) {
            assertEquals(p7.evaluate(v, q * 100), Stats.quantile(v, q), 1e-12, "q " + q);
        }
        assertEquals(2.5, Stats.quantile(new double[] {4, 1, 3, 2}, 0.5), 0);
    }
}
