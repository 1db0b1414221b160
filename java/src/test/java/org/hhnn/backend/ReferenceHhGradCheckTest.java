package org.hhnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * hhBackward of the reference against central finite differences of hhForward in float64 (DESIGN.md § Backends
 * and parity: "every op of the reference backend against central finite differences in float64").
 *
 * <p>Loss = Σ R1⊙stateOut + Σ R2⊙basisSum (spikes excluded: a hard count). The forward is smooth except at the
 * readout clamp (V = −90 or 60 mV) and where a spike is counted; the states used stay between about −80 and +45 mV,
 * so no finite-difference stencil straddles a kink of the loss.
 */
class ReferenceHhGradCheckTest {

    static final ReferenceBackend RB = ReferenceBackend.f64();
    /** Per-entry bound on |analytic − numeric| / (|numeric| + 1e-3·max|numeric|). */
    static final double TOL = 1e-6;
    static final int B = 2, M = 3, DEGREE = 5;

    /** The inputs of one window (or of a chain of windows sharing cond). */
    static final class Case {
        double[] state = new double[4 * B * M];
        double[] cond = new double[3 * M];
        double[][] currents;          // one (B, M) current per window
    }

    // ---- comparison ----------------------------------------------------------------------------

    /** Largest |a − n| / (|n| + 1e-3·max|n|): relative for sizeable entries, absolute (vs the tensor's scale) for tiny ones. */
    static double worst(double[] analytic, double[] numeric) {
        double scale = 0;
        for (double v : numeric) scale = Math.max(scale, Math.abs(v));
        double w = 0;
        for (int i = 0; i < numeric.length; i++)
            w = Math.max(w, Math.abs(analytic[i] - numeric[i]) / (Math.abs(numeric[i]) + 1e-3 * scale + 1e-300));
        return w;
    }

    static void assertGrad(String what, double[] analytic, double[] numeric) {
        double w = worst(analytic, numeric);
        assertTrue(w <= TOL, () -> what + ": worst relative gradient error " + w + " > " + TOL
                + "\n  analytic " + java.util.Arrays.toString(analytic) + "\n  numeric  " + java.util.Arrays.toString(numeric));
    }

    /**
     * Fourth-order central difference (f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h))/(12h) of f at every entry of x, with
     * h = 1e-4·max(unit, |x|): truncation O(h⁴) and round-off O(ε·|f|/h) both stay far below the 1e-6 tolerance, which
     * the plain two-point stencil cannot guarantee for small gradients of a loss of size ~50.
     */
    static double[] numericGrad(double[] x, double unit, ToDoubleFunction<double[]> f) {
        return numericGrad(x, i -> unit, f);
    }

    static double[] numericGrad(double[] x, IntToDoubleFunction unit, ToDoubleFunction<double[]> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double h = 1e-4 * Math.max(unit.applyAsDouble(i), Math.abs(x[i])), keep = x[i];
            double[] v = new double[4];
            double[] at = {-2, -1, 1, 2};
            for (int q = 0; q < 4; q++) {
                x[i] = keep + at[q] * h;
                v[q] = f.applyAsDouble(x);
            }
            x[i] = keep;
            g[i] = (v[0] - 8 * v[1] + 8 * v[2] - v[3]) / (12 * h);
        }
        return g;
    }

    // ---- inputs ------------------------------------------------------------------------------------

    static double[] uniform(Random r, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.nextDouble();
        return a;
    }

    /** Start states near rest (V ≈ −65 mV, gates near their resting values) or in the middle of a spike. */
    static Case makeCase(long seed, boolean midSpike, int windows) {
        Random r = new Random(seed);
        Case c = new Case();
        for (int i = 0; i < B * M; i++) {
            double[] s = midSpike
                    ? new double[] {-5 + 40 * r.nextDouble(), 0.6 + 0.3 * r.nextDouble(), 0.2 + 0.2 * r.nextDouble(), 0.4 + 0.2 * r.nextDouble()}
                    : new double[] {-66 + 3 * r.nextDouble(), 0.05 + 0.01 * r.nextDouble(), 0.58 + 0.04 * r.nextDouble(), 0.31 + 0.02 * r.nextDouble()};
            System.arraycopy(s, 0, c.state, 4 * i, 4);
        }
        for (int j = 0; j < M; j++) {
            c.cond[3 * j] = 120 * (0.8 + 0.4 * r.nextDouble());
            c.cond[3 * j + 1] = 36 * (0.8 + 0.4 * r.nextDouble());
            c.cond[3 * j + 2] = 0.3 * (0.8 + 0.4 * r.nextDouble());
        }
        c.currents = new double[windows][];
        for (int k = 0; k < windows; k++) c.currents[k] = uniform(r, B * M, 0, 20);
        return c;
    }

    static Buffer buf(double[] v) {
        Buffer b = RB.alloc(v.length);
        RB.uploadDouble(v, b);
        return b;
    }

    // ---- forward losses and analytic gradients -------------------------------------------------

    /** Runs the chain of windows; returns Σ_k R2[k]⊙basisSum_k + R1⊙(final state). */
    static double chainLoss(HhSpec sp, double[] state, double[][] currents, double[] cond, double[] r1, double[][] r2) {
        Buffer s = buf(state), out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * (sp.degree() + 1)), spk = RB.alloc(B * M);
        Buffer cb = cond == null ? null : buf(cond);
        double loss = 0;
        for (int k = 0; k < currents.length; k++) {
            RB.hhForward(sp, s, buf(currents[k]), cb, out, bs, spk, B, M);
            loss += dot(r2[k], RB.downloadDouble(bs));
            RB.copy(out, 0, s, 0, 4 * B * M);
        }
        return loss + dot(r1, RB.downloadDouble(s));
    }

    /** Analytic gradients of {@link #chainLoss}: {dState, dCurrent_0, …, dCurrent_{K−1}, dCond}. */
    static double[][] chainGrad(HhSpec sp, double[] state, double[][] currents, double[] cond, double[] r1, double[][] r2) {
        int kw = currents.length;
        Buffer[] starts = new Buffer[kw];
        Buffer s = buf(state), out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * (sp.degree() + 1)), spk = RB.alloc(B * M);
        Buffer cb = cond == null ? null : buf(cond);
        for (int k = 0; k < kw; k++) {                     // forward, saving each window's start state
            starts[k] = buf(RB.downloadDouble(s));
            RB.hhForward(sp, s, buf(currents[k]), cb, out, bs, spk, B, M);
            RB.copy(out, 0, s, 0, 4 * B * M);
        }
        double[][] g = new double[kw + 2][];
        Buffer dOut = buf(r1), dState = RB.alloc(4 * B * M), dCur = RB.alloc(B * M);
        Buffer dCond = cond == null ? null : RB.alloc(3 * M);   // accumulated (+=) across the windows
        for (int k = kw - 1; k >= 0; k--) {
            RB.hhBackward(sp, starts[k], buf(currents[k]), cb, dOut, buf(r2[k]), null, dState, dCur, dCond, B, M);
            g[1 + k] = RB.downloadDouble(dCur);
            RB.copy(dState, 0, dOut, 0, 4 * B * M);
        }
        g[0] = RB.downloadDouble(dState);
        g[kw + 1] = dCond == null ? null : RB.downloadDouble(dCond);
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Checks every gradient of a chain of {@code windows} windows of {@code steps} steps. */
    static void checkChain(long seed, boolean midSpike, int steps, int windows, boolean withCond) {
        HhSpec sp = HhSpec.defaults(steps, DEGREE);
        Case c = makeCase(seed, midSpike, windows);
        Random r = new Random(seed + 1);
        double[] r1 = uniform(r, 4 * B * M, -1, 1);
        double[][] r2 = new double[windows][];
        for (int k = 0; k < windows; k++) r2[k] = uniform(r, B * M * (DEGREE + 1), -1, 1);
        double[] cond = withCond ? c.cond : null;
        double[][] g = chainGrad(sp, c.state, c.currents, cond, r1, r2);
        String tag = (midSpike ? "mid-spike" : "near rest") + ", " + windows + " x " + steps + " steps";

        // V in mV, gates in [0, 1]: finite-difference steps in their own units.
        double[] nState = numericGrad(c.state.clone(), i -> i % 4 == 0 ? 1 : 1e-2, x -> chainLoss(sp, x, c.currents, cond, r1, r2));
        assertGrad("dState (" + tag + ")", g[0], nState);
        for (int k = 0; k < windows; k++) {
            final int w = k;
            double[] n = numericGrad(c.currents[k].clone(), 1, x -> {
                double[][] cur = c.currents.clone();
                cur[w] = x;
                return chainLoss(sp, c.state, cur, cond, r1, r2);
            });
            assertGrad("dCurrent of window " + k + " (" + tag + ")", g[1 + k], n);
        }
        if (withCond) {
            double[] n = numericGrad(c.cond.clone(), 0.1, x -> chainLoss(sp, c.state, c.currents, x, r1, r2));
            assertGrad("dCond (" + tag + ")", g[windows + 1], n);
        }
    }

    // ---- tests -----------------------------------------------------------------------------------

    @Test void singleStepNearRest() { checkChain(11, false, 1, 1, true); }

    @Test void fiveStepsNearRest() { checkChain(12, false, 5, 1, true); }

    @Test void fortyStepsNearRest() { checkChain(13, false, 40, 1, true); }

    @Test void singleStepMidSpike() { checkChain(21, true, 1, 1, true); }

    @Test void fiveStepsMidSpike() { checkChain(22, true, 5, 1, true); }

    @Test void fortyStepsMidSpike() { checkChain(23, true, 40, 1, true); }

    @Test void defaultConductancesWhenCondIsNull() { checkChain(31, true, 5, 1, false); }

    /** State passed from window to window, a fresh current per window, dCond accumulated over the windows. */
    @Test void chainOfWindowsEndToEnd() {
        checkChain(41, false, 10, 4, true);
        checkChain(42, true, 25, 3, true);
    }

    /**
     * Start voltages on and around the removable singularities of α_m (−40 mV) and α_n (−55 mV), where the rates
     * switch to their series: the stencils (±0.008 mV) stay inside the series region or straddle its edge.
     */
    @Test void gradientsAtTheRemovableSingularities() {
        double[] volts = {-40, -40.05, -39.0, -55, -55.7, -54.05};
        for (int steps : new int[] {1, 5}) {
            HhSpec sp = HhSpec.defaults(steps, DEGREE);
            Case c = makeCase(81, false, 1);
            for (int i = 0; i < B * M; i++) c.state[4 * i] = volts[i];
            Random r = new Random(82);
            double[] r1 = uniform(r, 4 * B * M, -1, 1);
            double[][] r2 = {uniform(r, B * M * (DEGREE + 1), -1, 1)};
            double[][] g = chainGrad(sp, c.state, c.currents, c.cond, r1, r2);
            double[] n = numericGrad(c.state.clone(), i -> i % 4 == 0 ? 1 : 1e-2, x -> chainLoss(sp, x, c.currents, c.cond, r1, r2));
            assertGrad("dState at V = -40 / -55 (" + steps + " steps)", g[0], n);
        }
    }

    /** With only dSpikes given, the gradient is that of Σ dSpikes⊙ŝ, ŝ the surrogate of the hhBackward javadoc. */
    @Test void surrogateGradientMatchesFiniteDifferenceOfSurrogate() {
        for (boolean midSpike : new boolean[] {false, true}) {
            int steps = 40;
            HhSpec sp = HhSpec.defaults(steps, DEGREE);
            Case c = makeCase(51, midSpike, 1);
            if (!midSpike) for (int i = 0; i < B * M; i++) c.state[4 * i] = -12 + 8 * (i % 3);  // just below threshold: the upstroke
            double[] dSpk = uniform(new Random(52), B * M, -1, 1);
            Buffer dState = RB.alloc(4 * B * M), dCur = RB.alloc(B * M), dCond = RB.alloc(3 * M);
            RB.hhBackward(sp, buf(c.state), buf(c.currents[0]), buf(c.cond), null, null, buf(dSpk), dState, dCur, dCond, B, M);
            ToDoubleFunction<double[][]> f = in -> dot(dSpk, surrogate(sp, in[0], in[1], in[2]));
            double[][] in = {c.state, c.currents[0], c.cond};
            String tag = midSpike ? "mid-spike" : "upstroke";
            assertGrad("surrogate dState (" + tag + ")", RB.downloadDouble(dState), numericGrad(c.state.clone(), 1, x -> f.applyAsDouble(new double[][] {x, in[1], in[2]})));
            assertGrad("surrogate dCurrent (" + tag + ")", RB.downloadDouble(dCur), numericGrad(c.currents[0].clone(), 1, x -> f.applyAsDouble(new double[][] {in[0], x, in[2]})));
            assertGrad("surrogate dCond (" + tag + ")", RB.downloadDouble(dCond), numericGrad(c.cond.clone(), 0.1, x -> f.applyAsDouble(new double[][] {in[0], in[1], x})));
        }
    }

    /**
     * With spec.countAbove() the spike output counts the steps with V_t ≥ vTh (checked against the chained one-step
     * voltages), and the gradient with only dSpikes given is that of Σ dSpikes⊙ŝ, ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ).
     */
    @Test void timeAboveThresholdCountAndSurrogateGradient() {
        for (boolean midSpike : new boolean[] {false, true}) {
            int steps = 40;
            HhSpec sp = HhSpec.defaults(steps, DEGREE).withCountAbove(true);
            Case c = makeCase(53, midSpike, 1);
            if (!midSpike) for (int i = 0; i < B * M; i++) c.state[4 * i] = -12 + 8 * (i % 3);  // just below threshold: the upstroke
            String tag = midSpike ? "mid-spike" : "upstroke";

            Buffer out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * (DEGREE + 1)), spk = RB.alloc(B * M);
            RB.hhForward(sp, buf(c.state), buf(c.currents[0]), buf(c.cond), out, bs, spk, B, M);
            double[] above = aboveCount(sp, c.state, c.currents[0], c.cond), got = RB.downloadDouble(spk);
            assertEquals(java.util.Arrays.toString(above), java.util.Arrays.toString(got), "steps above threshold (" + tag + ")");
            double total = 0;
            for (double a : above) total += a;
            assertTrue(total > 0 && total < B * M * steps, "the case must have steps both above and below threshold (" + tag + ")");

            double[] dSpk = uniform(new Random(54), B * M, -1, 1);
            Buffer dState = RB.alloc(4 * B * M), dCur = RB.alloc(B * M), dCond = RB.alloc(3 * M);
            RB.hhBackward(sp, buf(c.state), buf(c.currents[0]), buf(c.cond), null, null, buf(dSpk), dState, dCur, dCond, B, M);
            ToDoubleFunction<double[][]> f = in -> dot(dSpk, surrogateAbove(sp, in[0], in[1], in[2]));
            double[][] in = {c.state, c.currents[0], c.cond};
            assertGrad("above-threshold surrogate dState (" + tag + ")", RB.downloadDouble(dState), numericGrad(c.state.clone(), 1, x -> f.applyAsDouble(new double[][] {x, in[1], in[2]})));
            assertGrad("above-threshold surrogate dCurrent (" + tag + ")", RB.downloadDouble(dCur), numericGrad(c.currents[0].clone(), 1, x -> f.applyAsDouble(new double[][] {in[0], x, in[2]})));
            assertGrad("above-threshold surrogate dCond (" + tag + ")", RB.downloadDouble(dCond), numericGrad(c.cond.clone(), 0.1, x -> f.applyAsDouble(new double[][] {in[0], in[1], x})));
        }
    }

    /** The voltages V_1..V_w per (b, j), (B·M, w), from one-step windows chained (bit-identical to one w-step window in float64). */
    static double[][] voltages(HhSpec sp, double[] state, double[] current, double[] cond) {
        HhSpec one = sp.withSteps(1);
        Buffer s = buf(state), out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * (sp.degree() + 1)), spk = RB.alloc(B * M);
        Buffer cur = buf(current), cb = buf(cond);
        double[][] v = new double[B * M][sp.steps()];
        for (int t = 0; t < sp.steps(); t++) {
            RB.hhForward(one, s, cur, cb, out, bs, spk, B, M);
            double[] o = RB.downloadDouble(out);
            for (int i = 0; i < B * M; i++) v[i][t] = o[4 * i];
            RB.copy(out, 0, s, 0, 4 * B * M);
        }
        return v;
    }

    /** Number of t in 1..w with V_t ≥ vTh, per (b, j). */
    static double[] aboveCount(HhSpec sp, double[] state, double[] current, double[] cond) {
        double[][] v = voltages(sp, state, current, cond);
        double[] n = new double[B * M];
        for (int i = 0; i < B * M; i++) for (double x : v[i]) if (x >= sp.vTh()) n[i]++;
        return n;
    }

    /** ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ) per (b, j), written here directly. */
    static double[] surrogateAbove(HhSpec sp, double[] state, double[] current, double[] cond) {
        double[][] v = voltages(sp, state, current, cond);
        double[] sHat = new double[B * M];
        for (int i = 0; i < B * M; i++) for (double x : v[i]) sHat[i] += sig((x - sp.vTh()) / sp.surrogateWidth());
        return sHat;
    }

    /**
     * ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ)·(1 − σ((V_{t−1} − vTh)/κ)) per (b, j), written here directly; the voltages
     * V_t come from one-step windows chained (bit-identical to one w-step window in float64).
     */
    static double[] surrogate(HhSpec sp, double[] state, double[] current, double[] cond) {
        HhSpec one = sp.withSteps(1);
        Buffer s = buf(state), out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * (sp.degree() + 1)), spk = RB.alloc(B * M);
        Buffer cur = buf(current), cb = buf(cond);
        double[] prev = new double[B * M], sHat = new double[B * M];
        for (int i = 0; i < B * M; i++) prev[i] = state[4 * i];
        for (int t = 1; t <= sp.steps(); t++) {
            RB.hhForward(one, s, cur, cb, out, bs, spk, B, M);
            double[] o = RB.downloadDouble(out);
            for (int i = 0; i < B * M; i++) {
                double v = o[4 * i];
                sHat[i] += sig((v - sp.vTh()) / sp.surrogateWidth()) * (1 - sig((prev[i] - sp.vTh()) / sp.surrogateWidth()));
                prev[i] = v;
            }
            RB.copy(out, 0, s, 0, 4 * B * M);
        }
        return sHat;
    }

    static double sig(double u) { return 1 / (1 + Math.exp(-u)); }

    /** The comparison above is sharp: a 1% error in one analytic entry fails it. */
    @Test void negativeControlOnePercentErrorFails() {
        HhSpec sp = HhSpec.defaults(5, DEGREE);
        Case c = makeCase(61, true, 1);
        Random r = new Random(62);
        double[] r1 = uniform(r, 4 * B * M, -1, 1);
        double[][] r2 = {uniform(r, B * M * (DEGREE + 1), -1, 1)};
        double[][] g = chainGrad(sp, c.state, c.currents, c.cond, r1, r2);
        double[] n = numericGrad(c.currents[0].clone(), 1, x -> chainLoss(sp, c.state, new double[][] {x}, c.cond, r1, r2));
        assertTrue(worst(g[1], n) <= TOL, "unperturbed gradient must pass");
        for (int i = 0; i < n.length; i++) {
            double[] bad = g[1].clone();
            bad[i] *= 1.01;
            assertTrue(worst(bad, n) > TOL, "a 1% error at entry " + i + " must fail the comparison");
        }
    }

    /** dCond is accumulated (+=), dState and dCurrent overwritten. */
    @Test void accumulationSemantics() {
        HhSpec sp = HhSpec.defaults(5, DEGREE);
        Case c = makeCase(71, false, 1);
        double[] r1 = uniform(new Random(72), 4 * B * M, -1, 1);
        Buffer dState = buf(uniform(new Random(73), 4 * B * M, 5, 6)), dCur = buf(uniform(new Random(74), B * M, 5, 6));
        Buffer dCond = RB.alloc(3 * M);
        RB.hhBackward(sp, buf(c.state), buf(c.currents[0]), buf(c.cond), buf(r1), null, null, dState, dCur, dCond, B, M);
        double[] once = RB.downloadDouble(dCond), s1 = RB.downloadDouble(dState), c1 = RB.downloadDouble(dCur);
        RB.hhBackward(sp, buf(c.state), buf(c.currents[0]), buf(c.cond), buf(r1), null, null, dState, dCur, dCond, B, M);
        double[] twice = RB.downloadDouble(dCond);
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-12 * Math.abs(once[i]));
        assertEquals(java.util.Arrays.toString(s1), java.util.Arrays.toString(RB.downloadDouble(dState)));
        assertEquals(java.util.Arrays.toString(c1), java.util.Arrays.toString(RB.downloadDouble(dCur)));
    }

    @Test void rejectsWrongShapesWithNamedMessages() {
        HhSpec sp = HhSpec.defaults(3, 2);
        Buffer state = RB.alloc(4 * B * M), cur = RB.alloc(B * M), out = RB.alloc(4 * B * M), bs = RB.alloc(B * M * 3), spk = RB.alloc(B * M);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RB.hhForward(sp, state, cur, null, out, RB.alloc(B * M * 3 - 1), spk, B, M));
        assertTrue(e.getMessage().contains("hhForward") && e.getMessage().contains("basisSum") && e.getMessage().contains("18"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.hhForward(sp, RB.alloc(5), cur, null, out, bs, spk, B, M));
        assertTrue(e.getMessage().contains("hhForward") && e.getMessage().contains("state") && e.getMessage().contains("24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.hhForward(sp, state, cur, RB.alloc(2), out, bs, spk, B, M));
        assertTrue(e.getMessage().contains("cond"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RB.hhBackward(sp, state, cur, null, null, null, null, RB.alloc(4 * B * M), RB.alloc(B * M), RB.alloc(3 * M), B, M));
        assertTrue(e.getMessage().contains("hhBackward") && e.getMessage().contains("cond is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RB.hhBackward(sp, state, cur, null, null, null, null, RB.alloc(4 * B * M), RB.alloc(B * M - 1), null, B, M));
        assertTrue(e.getMessage().contains("hhBackward") && e.getMessage().contains("dCurrent"), e.getMessage());
    }
}
