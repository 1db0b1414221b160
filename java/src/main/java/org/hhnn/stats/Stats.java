package org.hhnn.stats;

/** Descriptive statistics and two-sample comparisons of independent samples (e.g. test accuracies of N runs). */
public final class Stats {
    private Stats() {}

    /** Welch's t statistic, its Welch–Satterthwaite degrees of freedom and the two-sided p-value. */
    public record Welch(double t, double df, double p) {}

    public static double mean(double[] a) {
        requireSize(a, 1);
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /** Sample variance (divisor n - 1); NaN for a single value. */
    public static double variance(double[] a) {
        requireSize(a, 1);
        if (a.length < 2) {
            return Double.NaN;
        }
        double m = mean(a), s = 0;
        for (double v : a) {
            s += (v - m) * (v - m); // two-pass: no cancellation when the values are close, as accuracies are
        }
        return s / (a.length - 1);
    }

    /** Sample standard deviation (divisor n - 1), as the paper's tables report; NaN for a single value. */
    public static double std(double[] a) {
        return Math.sqrt(variance(a));
    }

    /**
     * Hedges' g of a against b: (mean a − mean b) / pooled SD, times the small-sample correction
     * J = 1 − 3 / (4(n1 + n2) − 9). Positive when a's mean is higher. With both samples constant it
     * is NaN for equal means and ±infinity otherwise.
     */
    public static double hedgesG(double[] a, double[] b) {
        requireSize(a, 2);
        requireSize(b, 2);
        int n1 = a.length, n2 = b.length;
        double pooled = Math.sqrt(((n1 - 1) * variance(a) + (n2 - 1) * variance(b)) / (n1 + n2 - 2));
        double j = 1 - 3.0 / (4.0 * (n1 + n2) - 9);
        return (mean(a) - mean(b)) / pooled * j;
    }

    /** Welch's t-test of the samples a and b (two-sided; unequal variances allowed). */
    public static Welch welch(double[] a, double[] b) {
        requireSize(a, 2);
        requireSize(b, 2);
        return welch(mean(a), variance(a), a.length, mean(b), variance(b), b.length);
    }

    /**
     * Welch's t-test from summary statistics (means, sample variances, sizes), e.g. to check a
     * published table. When both variances are 0 the limit is taken: p = 1 for equal means, else 0.
     */
    public static Welch welch(double mean1, double var1, int n1, double mean2, double var2, int n2) {
        if (n1 < 2 || n2 < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least 2 values per sample, got " + n1 + " and " + n2);
        }
        double q1 = var1 / n1, q2 = var2 / n2, se2 = q1 + q2;
        double diff = mean1 - mean2;
        if (se2 == 0) {
            return new Welch(diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), n1 + n2 - 2, diff == 0 ? 1 : 0);
        }
        double t = diff / Math.sqrt(se2);
        double df = se2 * se2 / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1));
        return new Welch(t, df, StudentT.twoSidedP(t, df));
    }

    /**
     * The q-quantile of a sample by linear interpolation between order statistics (Hyndman–Fan
     * type 7, the default of R and NumPy).
     */
    public static double quantile(double[] a, double q) {
        requireSize(a, 1);
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    private static void requireSize(double[] a, int min) {
        if (a == null || a.length < min) {
            throw new IllegalArgumentException("need at least " + min + " value(s), got " + (a == null ? 0 : a.length));
        }
    }
}
