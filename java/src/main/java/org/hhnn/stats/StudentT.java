package org.hhnn.stats;

/**
 * The Student t distribution, through the regularized incomplete beta function
 * I_x(a, b): for t with ν degrees of freedom, P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
 */
public final class StudentT {
    private StudentT() {}

    /** Lanczos coefficients (g = 7, n = 9): about 15 significant digits for x > 0. */
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** Two-sided p-value P(|T| ≥ |t|); computed directly, not as 1 − CDF, so tiny p keep their digits. */
    public static double twoSidedP(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return 0;
        }
        return regularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    /** P(T ≤ t). */
    public static double cdf(double t, double df) {
        double tail = twoSidedP(t, df) / 2;
        return t < 0 ? tail : 1 - tail;
    }

    /** log Γ(x) for x > 0 (Lanczos approximation). */
    public static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
        }
        if (x < 0.5) {
            // Γ(x) = Γ(x + 1) / x keeps the series in its accurate range.
            return logGamma(x + 1) - Math.log(x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double tt = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(tt) - tt + Math.log(sum);
    }

    /**
     * The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]: the continued
     * fraction of Numerical Recipes (§6.4) evaluated with the modified Lentz method, on whichever of
     * I_x(a, b) and 1 − I_{1−x}(b, a) converges fast.
     */
    public static double regularizedBeta(double x, double a, double b) {
        if (!(a > 0 && b > 0)) {
            throw new IllegalArgumentException("regularizedBeta needs a, b > 0, got a = " + a + ", b = " + b);
        }
        if (Double.isNaN(x) || x < 0 || x > 1) {
            throw new IllegalArgumentException("regularizedBeta needs x in [0, 1], got " + x);
        }
        if (x == 0 || x == 1) {
            return x;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300, eps = 1e-15;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < eps) {
                return h;
            }
        }
        throw new ArithmeticException("incomplete beta continued fraction did not converge for x = " + x
                + ", a = " + a + ", b = " + b);
    }

    private static void checkDf(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be > 0, got " + df);
        }
    }
}
