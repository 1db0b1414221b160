package org.hhnn.backend;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a fast backend's output with the reference's, llm.c style: on a mismatch the message gives the
 * relative error, the largest absolute difference and where it is, and the first few (actual, expected)
 * pairs, so a failure says what went wrong rather than just "false". Shared by the cpu and cuda parity tests.
 */
public final class ParityAssert {
    private ParityAssert() {}

    private static final int PAIRS_SHOWN = 5;

    /**
     * The metric of DESIGN.md: ||actual - expected||_2 / ||expected||_2 over the finite reference entries
     * (the absolute norm when those are all 0).
     */
    public static double relativeError(float[] actual, float[] expected) {
        double diff = 0, ref = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(expected[i])) continue;   // checked for equality by assertClose
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            ref += (double) expected[i] * expected[i];
        }
        return ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
    }

    /**
     * Fails unless actual and expected have the same length, the same non-finite values in the same places,
     * and a relative error of at most relTol.
     */
    public static void assertClose(String what, float[] actual, float[] expected, double relTol) {
        if (actual.length != expected.length)
            fail(what + ": length " + actual.length + " != reference length " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            boolean af = Float.isFinite(actual[i]), ef = Float.isFinite(expected[i]);
            boolean oneFinite = af != ef, differentSpecials = !af && !ef && Float.compare(actual[i], expected[i]) != 0;
            if (oneFinite || differentSpecials)
                fail(what + ": non-finite mismatch at [" + i + "]: " + actual[i] + " vs reference " + expected[i]
                        + "\n" + pairs(actual, expected));
        }
        double rel = relativeError(actual, expected);
        if (!(rel <= relTol)) {
            double maxAbs = -1;
            int at = -1;
            for (int i = 0; i < expected.length; i++) {
                if (!Float.isFinite(expected[i])) continue;
                double d = Math.abs((double) actual[i] - expected[i]);
                if (d > maxAbs) { maxAbs = d; at = i; }
            }
            fail(String.format("%s: relative error %.3e > %.1e (n=%d); max |diff| %.3e at [%d] (%s vs reference %s)%n%s",
                    what, rel, relTol, expected.length, maxAbs, at, actual[at], expected[at], pairs(actual, expected)));
        }
    }

    /** Scalar form (e.g. a reduction's result). */
    public static void assertClose(String what, double actual, double expected, double relTol) {
        double rel = expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
        if (!(rel <= relTol))
            fail(String.format("%s: %s vs reference %s, relative error %.3e > %.1e", what, actual, expected, rel, relTol));
    }

    private static String pairs(float[] actual, float[] expected) {
        StringBuilder sb = new StringBuilder("  first pairs (actual, reference):");
        for (int i = 0; i < Math.min(PAIRS_SHOWN, expected.length); i++)
            sb.append(String.format("%n    [%d] %s %s", i, actual[i], expected[i]));
        return sb.toString();
    }
}
