package org.hhnn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the reference HH window that follows from the equations (DESIGN.md § "HH layer: the exact model"),
 * on both the float32 reference ({@link ReferenceBackend#get()}) and the float64 one. The rates here are this test's
 * own copy of the textbook formulas, used only to build start states and expected values.
 */
class HhPhysicsTest {

    static final ReferenceBackend F32 = ReferenceBackend.get(), F64 = ReferenceBackend.f64();
    static final ReferenceBackend[] BOTH = {F32, F64};
    static final int DEGREE = 4;
    /** 200 ms at dt = 0.025 ms. */
    static final int STEPS_200MS = 8000;

    // ---- textbook rates (1/ms), V in mV --------------------------------------------------------

    static double alphaM(double v) { double u = v + 40; return u == 0 ? 1.0 : 0.1 * u / (1 - Math.exp(-0.1 * u)); }
    static double betaM(double v) { return 4 * Math.exp(-0.0556 * (v + 65)); }
    static double alphaH(double v) { return 0.07 * Math.exp(-0.05 * (v + 65)); }
    static double betaH(double v) { return 1 / (1 + Math.exp(-0.1 * (v + 35))); }
    static double alphaN(double v) { double u = v + 55; return u == 0 ? 0.1 : 0.01 * u / (1 - Math.exp(-0.1 * u)); }
    static double betaN(double v) { return 0.125 * Math.exp(-0.0125 * (v + 65)); }

    /** (V, m∞, h∞, n∞) at V. */
    static double[] steady(double v) {
        return new double[] {v, alphaM(v) / (alphaM(v) + betaM(v)), alphaH(v) / (alphaH(v) + betaH(v)), alphaN(v) / (alphaN(v) + betaN(v))};
    }

    /** Net ionic current (µA/cm²) with every gate at its steady state: zero at a fixed point of the model. */
    static double steadyCurrent(double v) {
        double[] s = steady(v);
        return 120 * Math.pow(s[1], 3) * s[2] * (v - 50) + 36 * Math.pow(s[3], 4) * (v + 77) + 0.3 * (v + 54.387);
    }

    // ---- simulation through the backend ------------------------------------------------------------

    /** What a run of several windows gives back. */
    static final class Run {
        double[] state;         // final (M, 4)
        int[] spikes;           // total per neuron
        double maxRestDeviation; // max |V + 65| over all window ends
        boolean finite = true;
    }

    /** Runs {@code windows} windows of {@code steps} steps from starts (M, 4) at constant currents (M). */
    static Run simulate(ReferenceBackend rb, double[] starts, double[] currents, int windows, int steps) {
        int m = currents.length;
        HhSpec sp = HhSpec.defaults(steps, DEGREE);
        Buffer s = rb.alloc(4 * m), out = rb.alloc(4 * m), cur = rb.alloc(m), bs = rb.alloc(m * (DEGREE + 1)), spk = rb.alloc(m);
        rb.uploadDouble(starts, s);
        rb.uploadDouble(currents, cur);
        Run run = new Run();
        run.spikes = new int[m];
        for (int w = 0; w < windows; w++) {
            rb.hhForward(sp, s, cur, null, out, bs, spk, 1, m);
            double[] o = rb.downloadDouble(out), k = rb.downloadDouble(spk), b = rb.downloadDouble(bs);
            for (int j = 0; j < m; j++) {
                run.spikes[j] += (int) k[j];
                run.maxRestDeviation = Math.max(run.maxRestDeviation, Math.abs(o[4 * j] + 65));
            }
            for (double v : o) run.finite &= Double.isFinite(v);
            for (double v : b) run.finite &= Double.isFinite(v);
            rb.copy(out, 0, s, 0, 4 * m);
        }
        run.state = rb.downloadDouble(s);
        return run;
    }

    static double[] repeat(double[] state, int times) {
        double[] a = new double[4 * times];
        for (int j = 0; j < times; j++) System.arraycopy(state, 0, a, 4 * j, 4);
        return a;
    }

    // ---- tests ---------------------------------------------------------------------------------------

    /**
     * The rest state with I = 0 stays at rest. The fixed points of one step are exactly the model's: the gate
     * update is the identity iff x = x∞, and V is unchanged iff the net current is 0. With the paper's E_L the
     * fixed point V* is not −65 exactly: solving steadyCurrent(V*) = 0 gives V* ≈ −64.9964 mV, a 0.0036 mV offset.
     * Rest is a stable focus, so from −65 the voltage relaxes to V* with an overshoot of the same order; the bound
     * 0.1 mV is ~25× that drift (room for float32 rounding, ~1e-5 mV a window) yet far below what a wrong rate
     * constant or sign would cause (mV).
     */
    @Test void restingStateStaysAtRest() {
        double lo = -66, hi = -64;                    // bisection: steadyCurrent is increasing through rest
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (steadyCurrent(mid) > 0) hi = mid; else lo = mid;
        }
        double vStar = (lo + hi) / 2;
        assertEquals(-65, vStar, 0.01, "fixed point of the model near rest");

        // float64, one-step windows: the deviation is checked after every step.
        Run perStep = simulate(F64, steady(-65), new double[] {0}, STEPS_200MS, 1);
        assertTrue(perStep.maxRestDeviation < 0.1, "max |V + 65| over 200 ms (float64) = " + perStep.maxRestDeviation);
        assertEquals(vStar, perStep.state[0], 1e-3, "V after 200 ms at rest (float64) must sit on the fixed point");
        for (ReferenceBackend rb : BOTH) {
            Run run = simulate(rb, steady(-65), new double[] {0}, 20, 400);
            assertTrue(run.maxRestDeviation < 0.1, rb.name() + ": max |V + 65| at window ends = " + run.maxRestDeviation);
            assertEquals(vStar, run.state[0], 1e-3, rb.name() + ": V after 200 ms at rest");
            assertEquals(0, run.spikes[0], rb.name() + ": spikes at rest");
        }
    }

    /** From rest, I = 10 µA/cm² fires repetitively (~70 Hz: 13–15 spikes in 200 ms); I = 2 is below threshold. */
    @Test void repetitiveFiringAtTenAndSilenceAtTwo() {
        for (ReferenceBackend rb : BOTH)
            for (int steps : new int[] {400, 50}) {
                Run run = simulate(rb, repeat(steady(-65), 2), new double[] {10, 2}, STEPS_200MS / steps, steps);
                assertTrue(run.spikes[0] >= 13 && run.spikes[0] <= 15, rb.name() + ", windows of " + steps + ": " + run.spikes[0] + " spikes at I = 10");
                assertEquals(0, run.spikes[1], rb.name() + ", windows of " + steps + ": spikes at I = 2");
            }
    }

    /** The spike counter (crossings inside and across window boundaries) equals upward 0 mV crossings of V(t). */
    @Test void spikeCountEqualsUpwardCrossingsOfTheVoltageTrace() {
        HhSpec one = HhSpec.defaults(1, DEGREE);
        Buffer s = F64.alloc(4), out = F64.alloc(4), cur = F64.alloc(1), bs = F64.alloc(DEGREE + 1), spk = F64.alloc(1);
        F64.uploadDouble(steady(-65), s);
        F64.uploadDouble(new double[] {10}, cur);
        int crossings = 0;
        double prev = -65;
        for (int t = 0; t < STEPS_200MS; t++) {
            F64.hhForward(one, s, cur, null, out, bs, spk, 1, 1);
            double v = F64.downloadDouble(out)[0];
            if (prev < 0 && v >= 0) crossings++;
            prev = v;
            F64.copy(out, 0, s, 0, 4);
        }
        assertEquals(crossings, simulate(F64, steady(-65), new double[] {10}, 20, 400).spikes[0]);
        assertEquals(crossings, simulate(F64, steady(-65), new double[] {10}, 1, STEPS_200MS).spikes[0]);
    }

    /**
     * No NaN or infinity for currents in [−50, 200] µA/cm² and start voltages on a grid over [−100, 60] mV (every 5 mV,
     * so V = −55 and −40 exactly are included), gates at rest or at their steady state for the start voltage;
     * 1000 steps forward, and one 50-step backward from each start. (Starts with m = h = 1 are left out: there
     * dt·g_Na·m³h/C_m = 3 exceeds the stability limit 2 of the Euler V update, a property of the model at this dt.)
     */
    @Test void finiteEverywhereInTheOperatingRange() {
        double[] currents = {-50, -25, -10, 0, 2, 6.5, 10, 20, 50, 100, 200};
        List<double[]> starts = new ArrayList<>();
        List<Double> cur = new ArrayList<>();
        for (double i : currents)
            for (int v = -100; v <= 60; v += 5) {
                double[] rest = steady(-65);
                rest[0] = v;
                starts.add(rest);
                starts.add(steady(v));
                cur.add(i);
                cur.add(i);
            }
        int m = starts.size();
        double[] s0 = new double[4 * m], c = new double[m];
        for (int j = 0; j < m; j++) {
            System.arraycopy(starts.get(j), 0, s0, 4 * j, 4);
            c[j] = cur.get(j);
        }
        for (ReferenceBackend rb : BOTH) {
            Run run = simulate(rb, s0, c, 4, 250);
            assertTrue(run.finite, rb.name() + ": non-finite state or basis sum");
            for (int j = 0; j < m; j++)
                for (int q = 1; q < 4; q++)
                    assertTrue(run.state[4 * j + q] >= 0 && run.state[4 * j + q] <= 1, "gate outside [0, 1]");

            HhSpec sp = HhSpec.defaults(50, DEGREE);
            Buffer dState = rb.alloc(4 * m), dCur = rb.alloc(m), dCond = rb.alloc(3 * m);
            double[] cond = new double[3 * m];
            for (int j = 0; j < m; j++) { cond[3 * j] = 120; cond[3 * j + 1] = 36; cond[3 * j + 2] = 0.3; }
            rb.hhBackward(sp, buf(rb, s0), buf(rb, c), buf(rb, cond), buf(rb, ones(4 * m)),
                    buf(rb, ones(m * (DEGREE + 1))), buf(rb, ones(m)), dState, dCur, dCond, 1, m);
            for (Buffer g : new Buffer[] {dState, dCur, dCond})
                for (double v : rb.downloadDouble(g)) assertTrue(Double.isFinite(v), rb.name() + ": non-finite gradient");
        }
    }

    static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    static Buffer buf(ReferenceBackend rb, double[] v) {
        Buffer b = rb.alloc(v.length);
        rb.uploadDouble(v, b);
        return b;
    }

    /**
     * V exactly −40 and −55 (the removable singularities of α_m and α_n) give the limit rates α_m = 1, α_n = 0.1:
     * one step from there equals the step computed here with those limits, and is continuous in V.
     */
    @Test void singularVoltagesGiveTheLimitRates() {
        for (double v : new double[] {-40, -55}) {
            double[] start = {v, 0.3, 0.4, 0.5};
            double current = 3, dt = 0.025f;
            double[] want = new double[4];
            want[1] = gate(start[1], alphaM(v), betaM(v), dt);
            want[2] = gate(start[2], alphaH(v), betaH(v), dt);
            want[3] = gate(start[3], alphaN(v), betaN(v), dt);
            double ionic = 120 * Math.pow(0.3, 3) * 0.4 * (v - 50) + 36 * Math.pow(0.5, 4) * (v + 77) + (double) 0.3f * (v - (double) -54.387f);   // the spec's float32 constants
            want[0] = v + dt * (current - ionic);
            double[] got = simulate(F64, start, new double[] {current}, 1, 1).state;
            assertArrayEquals(want, got, 1e-12, "one step from V = " + v);
            for (double eps : new double[] {1e-9, -1e-9, 1e-6, -1e-6}) {
                double[] near = start.clone();
                near[0] = v + eps;
                double[] g2 = simulate(F64, near, new double[] {current}, 1, 1).state;
                for (int q = 0; q < 4; q++) assertEquals(got[q], g2[q], 10 * Math.abs(eps), "continuity at V = " + v + " + " + eps);
            }
            double[] got32 = simulate(F32, start, new double[] {current}, 1, 1).state;
            assertArrayEquals(want, got32, 1e-5, "float32 reference, one step from V = " + v);
        }
    }

    static double gate(double x, double a, double b, double dt) {
        double inf = a / (a + b);
        return inf + (x - inf) * Math.exp(-dt * (a + b));
    }

    /** Above the rheobase of repetitive firing the F–I relation is monotone non-decreasing (I = 6..20 by 0.5). */
    @Test void fiRelationMonotoneAboveRheobase() {
        int n = 29;
        double[] currents = new double[n];
        for (int i = 0; i < n; i++) currents[i] = 6 + 0.5 * i;
        for (ReferenceBackend rb : BOTH) {
            int[] counts = simulate(rb, repeat(steady(-65), n), currents, 20, 400).spikes;
            for (int i = 1; i < n; i++)
                assertTrue(counts[i] >= counts[i - 1], rb.name() + ": F-I not monotone at I = " + currents[i] + ": " + java.util.Arrays.toString(counts));
            assertTrue(counts[n - 1] >= counts[0] + 10, rb.name() + ": firing must grow with current: " + java.util.Arrays.toString(counts));
        }
    }

    /**
     * Spike counts over 200 ms from rest at I = 0..20 µA/cm² as measured on this reference (both precisions
     * agree): silent up to 2, a single onset spike at 3–5, repetitive firing from 7 (the rheobase of repetitive
     * firing lies between 6 and 7). Fast backends can compare against this table.
     */
    @Test void spikeCountTableFromRest() {
        int[] want = {0, 0, 0, 1, 1, 1, 2, 12, 13, 13, 14, 14, 15, 15, 16, 16, 16, 17, 17, 17, 17};
        double[] currents = new double[21];
        for (int i = 0; i <= 20; i++) currents[i] = i;
        for (ReferenceBackend rb : BOTH)
            assertArrayEquals(want, simulate(rb, repeat(steady(-65), 21), currents, 20, 400).spikes, rb.name());
    }
}
