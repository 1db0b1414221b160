package org.hhnn.backend.cpu;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * The cpu HH window (native/cpu_hh.cpp over kernels/hh.cuh) against ReferenceBackend.get() (ReferenceHh) on
 * fresh random inputs; the seed is in every failure message. Forward outputs and every backward output are
 * compared; shapes include a block with 3 neurons, neuron counts that are not a multiple of the 16-neuron SIMD block,
 * and one window above native/cpu_hh.cpp's serial threshold (2^20 neuron-steps), so both the serial and the
 * OpenMP paths run.
 *
 * <p>Tolerances. The reference computes in float64 and rounds only what it stores (so get() and f64() differ by
 * that final rounding alone, ~3e-8); the cpu backend steps in float32. Over many steps of a spiking neuron
 * float32 rounding errors are amplified, so the float32-vs-float64 error was measured, for windows of w = 50
 * steps on 400 neurons with physiological start states (gates near steady state) and currents uniform in
 * [0, 20] µA/cm², worst over 1000 seeds: V 6.2e-7, gates 4.9e-7, basis sums 2.2e-7, dState 1.2e-5,
 * dCurrent 5.2e-6, dCond 5.8e-6; spike counts all equal. That is the float32 conditioning of the problem
 * itself: the float64 reference's own outputs move by V 4.9e-7, basis sums 2.1e-7, dState 2.5e-5, dCurrent
 * 7.8e-6, dCond 8.9e-6 when its inputs are changed by one float32 ulp. The errors grow with the window
 * (w = 200: states 8e-6, gradients 1e-3), so windows here stay ≤ 50 steps. Hence: forward 1e-5 (DESIGN's
 * single-primitive bound, ≥ 16× the worst measured), gradients 2e-4 (≥ 16× the worst measured), and spike
 * counts equal in ≥ 99% of the neurons (a neuron crossing threshold within float32 rounding of vTh at a
 * window's edge may count differently). Outside physiology (states whose explicit Euler step is unstable and
 * runs to |V| > 800 mV) the two legitimately differ: the rates are held at ±800 mV there (kernels/hh.cuh).
 */
class HhParityTest extends CpuParityBase {

    private static final double STATE_TOL = 1e-5, BASIS_TOL = 1e-5, GRAD_TOL = 2e-4, SPIKE_MATCH = 0.99;
    /**
     * A gradient that comes from the spike surrogate alone is small where it is not near zero anyway: on an upstroke
     * ∂ŝ/∂V_t = σ'_t((1 − σ_{t−1}) − σ_{t+1}) nearly cancels, and the explosive dynamics there amplify the float32
     * trajectory's error. Measured (w = 30, 400 neurons, 200 seeds): up to 1.0e-3 (dCurrent), while the float64
     * reference itself moves by up to 1.5e-4 for one-ulp input changes. A wrong surrogate would be off by O(1).
     */
    private static final double SURROGATE_ONLY_TOL = 5e-3;

    /** A Twin's buffer on each side; null (an absent optional argument) stays null on both. */
    private static Buffer c(Twin t) { return t == null ? null : t.c; }
    private static Buffer r(Twin t) { return t == null ? null : t.r; }


    private float[] gaussian(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (float) (rnd.nextGaussian() * scale);
            v[i] = x != 0f ? x : (float) scale;
        }
        return v;
    }

    private float[] uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return v;
    }

    /**
     * Steady-state gates m∞, h∞, n∞ at V, from DESIGN.md's rates (written here again, so that the start states do
     * not come from either implementation under test).
     */
    private static double[] steadyGates(double v) {
        double um = v + 40, un = v + 55;
        double am = Math.abs(um) < 1e-9 ? 1 : 0.1 * um / -Math.expm1(-0.1 * um), bm = 4 * Math.exp(-0.0556 * (v + 65));
        double ah = 0.07 * Math.exp(-0.05 * (v + 65)), bh = 1 / (1 + Math.exp(-0.1 * (v + 35)));
        double an = Math.abs(un) < 1e-9 ? 0.1 : 0.01 * un / -Math.expm1(-0.1 * un), bn = 0.125 * Math.exp(-0.0125 * (v + 65));
        return new double[] {am / (am + bm), ah / (ah + bh), an / (an + bn)};
    }

    /** Start states (B, M, 4): V uniform in [vLo, vHi], gates at steady state for a V within 5 mV of it, jittered. */
    private float[] physiological(int n, double vLo, double vHi) {
        float[] s = new float[4 * n];
        for (int i = 0; i < n; i++) {
            double v = vLo + (vHi - vLo) * rnd.nextDouble();
            double[] g = steadyGates(v - 5 + 10 * rnd.nextDouble());
            s[4 * i] = (float) v;
            for (int q = 0; q < 3; q++) s[4 * i + 1 + q] = (float) Math.min(1, Math.max(0, g[q] + 0.05 * rnd.nextGaussian()));
        }
        return s;
    }

    /** Per-neuron conductances (M, 3) within ±20% of the defaults. */
    private float[] conductances(int neurons) {
        float[] g = new float[3 * neurons];
        for (int j = 0; j < neurons; j++) {
            g[3 * j] = (float) (120 * (0.8 + 0.4 * rnd.nextDouble()));
            g[3 * j + 1] = (float) (36 * (0.8 + 0.4 * rnd.nextDouble()));
            g[3 * j + 2] = (float) (0.3 * (0.8 + 0.4 * rnd.nextDouble()));
        }
        return g;
    }

    /** One window's inputs on both backends. */
    private final class Problem {
        final HhSpec spec;
        final int batch, neurons, n, k;
        final Twin state, current, cond;

        Problem(int batch, int neurons, int steps, int degree, boolean withCond, float[] state, float[] current) {
            this(batch, neurons, steps, degree, withCond, state, current, false);
        }

        Problem(int batch, int neurons, int steps, int degree, boolean withCond, float[] state, float[] current, boolean countAbove) {
            this.spec = HhSpec.defaults(steps, degree).withCountAbove(countAbove);
            this.batch = batch;
            this.neurons = neurons;
            this.n = batch * neurons;
            this.k = degree + 1;
            this.state = new Twin(state);
            this.current = new Twin(current);
            this.cond = withCond ? new Twin(conductances(neurons)) : null;
        }

        Problem(int batch, int neurons, int steps, int degree, boolean withCond) {
            this(batch, neurons, steps, degree, withCond, false);
        }

        Problem(int batch, int neurons, int steps, int degree, boolean withCond, boolean countAbove) {
            this(batch, neurons, steps, degree, withCond, physiological(batch * neurons, -75, 20),
                    uniform(batch * neurons, 0, 20), countAbove);
        }

        String what() {
            return "B=" + batch + " M=" + neurons + " w=" + spec.steps() + " D=" + spec.degree() + (cond != null ? " with cond" : "")
                    + (spec.countAbove() ? " countAbove" : "");
        }

        /** Runs both forwards; returns {stateOut, basisSum, spikes}. */
        Twin[] forward() {
            Twin so = new Twin(gaussian(4 * n, 1)), bs = new Twin(gaussian(n * k, 1)), sp = new Twin(gaussian(n, 1));
            cpu.hhForward(spec, state.c, current.c, c(cond), so.c, bs.c, sp.c, batch, neurons);
            ref.hhForward(spec, state.r, current.r, r(cond), so.r, bs.r, sp.r, batch, neurons);
            return new Twin[] {so, bs, sp};
        }

        /** Runs both backwards with the given incoming gradients (null = none); returns {dState, dCurrent, dCond}. */
        Twin[] backward(Twin dStateOut, Twin dBasisSum, Twin dSpikes, boolean wantCond) {
            Twin ds = new Twin(gaussian(4 * n, 1)), dc = new Twin(gaussian(n, 1));
            Twin dg = wantCond ? new Twin(gaussian(3 * neurons, 1)) : null;   // accumulated into: start non-zero
            cpu.hhBackward(spec, state.c, current.c, c(cond), c(dStateOut), c(dBasisSum), c(dSpikes), ds.c, dc.c, c(dg), batch, neurons);
            ref.hhBackward(spec, state.r, current.r, r(cond), r(dStateOut), r(dBasisSum), r(dSpikes), ds.r, dc.r, r(dg), batch, neurons);
            return new Twin[] {ds, dc, dg};
        }

        Twin[] incoming() {
            // dBasisSum ~ 1/w per entry: the scale a time-averaged readout passes back.
            float[] db = gaussian(n * k, 1.0 / spec.steps());
            return new Twin[] {new Twin(gaussian(4 * n, 1)), new Twin(db), new Twin(gaussian(n, 1))};
        }
    }

    private static float[] component(float[] s, boolean voltage) {
        int n = s.length / 4;
        float[] out = new float[voltage ? n : 3 * n];
        for (int i = 0; i < n; i++)
            if (voltage) out[i] = s[4 * i];
            else for (int q = 0; q < 3; q++) out[3 * i + q] = s[4 * i + 1 + q];
        return out;
    }

    private void checkForward(String what, Twin[] out) {
        float[] sc = out[0].cpuOut(), sr = out[0].refOut();
        assertClose(tag(what + " stateOut V"), component(sc, true), component(sr, true), STATE_TOL);
        assertClose(tag(what + " stateOut gates"), component(sc, false), component(sr, false), STATE_TOL);
        assertClose(tag(what + " basisSum"), out[1].cpuOut(), out[1].refOut(), BASIS_TOL);
        float[] pc = out[2].cpuOut(), pr = out[2].refOut();
        int same = 0;
        for (int i = 0; i < pc.length; i++) if (pc[i] == pr[i]) same++;
        assertTrue(same >= SPIKE_MATCH * pc.length,
                tag(what + " spikes: only " + same + " of " + pc.length + " neurons have the reference's spike count"));
    }

    private void checkBackward(String what, Twin[] g) { checkBackward(what, g, GRAD_TOL); }

    private void checkBackward(String what, Twin[] g, double tol) {
        assertClose(tag(what + " dState"), g[0].cpuOut(), g[0].refOut(), tol);
        assertClose(tag(what + " dCurrent"), g[1].cpuOut(), g[1].refOut(), tol);
        if (g[2] != null) assertClose(tag(what + " dCond"), g[2].cpuOut(), g[2].refOut(), tol);
    }

    // B, M, w, D, with per-neuron conductances (1 = yes). The last is above the serial threshold:
    // 40 rows × 52 blocks × 16 lanes × 32 steps ≥ 2^20.
    private static final int[][] CASES = {
        {1, 3, 1, 0, 0}, {1, 7, 7, 3, 1}, {3, 37, 20, 4, 1}, {4, 100, 50, 4, 0}, {2, 50, 50, 9, 1}, {2, 20, 20, 32, 0},
        {40, 820, 32, 2, 1},
    };

    // ---- forward and backward ----------------------------------------------------------------

    @Test void forwardMatchesReference() {
        for (int[] c : CASES) {
            Problem p = new Problem(c[0], c[1], c[2], c[3], c[4] == 1);
            checkForward(p.what(), p.forward());
        }
    }

    @Test void backwardMatchesReference() {
        for (int[] c : CASES) {
            Problem p = new Problem(c[0], c[1], c[2], c[3], c[4] == 1);
            Twin[] in = p.incoming();
            checkBackward(p.what(), p.backward(in[0], in[1], in[2], p.cond != null));
        }
    }

    @Test void backwardWithEachIncomingGradientAloneOrNone() {
        Problem p = new Problem(3, 45, 30, 4, true);
        Twin[] in = p.incoming();
        for (int mask = 0; mask < 8; mask++) {   // which of dStateOut, dBasisSum, dSpikes are given
            Twin dso = (mask & 1) != 0 ? in[0] : null, dbs = (mask & 2) != 0 ? in[1] : null, dsp = (mask & 4) != 0 ? in[2] : null;
            String what = p.what() + " dStateOut " + (dso != null) + " dBasisSum " + (dbs != null) + " dSpikes " + (dsp != null);
            checkBackward(what, p.backward(dso, dbs, dsp, true), mask == 4 ? SURROGATE_ONLY_TOL : GRAD_TOL);
        }
        checkBackward(p.what() + " without dCond", p.backward(in[0], in[1], in[2], false));
        Problem d = new Problem(2, 19, 25, 3, false);   // the spec's default conductances
        Twin[] din = d.incoming();
        checkBackward(d.what(), d.backward(din[0], din[1], din[2], false));
    }

    /**
     * spec.countAbove(): spikes counts the steps with V_t ≥ vTh and its surrogate is ŝ = Σ_t σ((V_t − vTh)/κ), forward
     * and backward against the reference on every case, with all incoming gradients and with dSpikes alone.
     */
    @Test void countAboveMatchesReference() {
        long steps = 0, crossings = 0;
        for (int[] c : CASES) {
            Problem p = new Problem(c[0], c[1], c[2], c[3], c[4] == 1, true);
            Twin[] out = p.forward();
            checkForward(p.what(), out);
            for (float v : out[2].cpuOut()) steps += (long) v;
            Twin[] in = p.incoming();
            checkBackward(p.what(), p.backward(in[0], in[1], in[2], p.cond != null));
            // this surrogate has no cancelling terms (it passed at GRAD_TOL for 8 seeds); the surrogate-alone bound is kept
            checkBackward(p.what() + " dSpikes alone", p.backward(null, null, in[2], p.cond != null), SURROGATE_ONLY_TOL);
            Problem q = new Problem(c[0], c[1], c[2], c[3], false, p.state.refOut(), p.current.refOut(), false);
            for (float v : q.forward()[2].cpuOut()) crossings += (long) v;
        }
        // the flag reaches the native code: a spike spends several steps above threshold
        assertTrue(steps > 2 * crossings && crossings > 0, tag("steps above threshold " + steps + " vs crossings " + crossings));
    }

    @Test void dCondAccumulatesOverCalls() {
        Problem p = new Problem(5, 33, 20, 4, true);
        Twin[] in = p.incoming();
        Twin ds = new Twin(new float[4 * p.n]), dc = new Twin(new float[p.n]), dg = new Twin(gaussian(3 * p.neurons, 1));
        for (int call = 0; call < 2; call++) {   // both add into the same dCond: the sum of two batches' gradients
            cpu.hhBackward(p.spec, p.state.c, p.current.c, p.cond.c, in[0].c, in[1].c, in[2].c, ds.c, dc.c, dg.c, p.batch, p.neurons);
            ref.hhBackward(p.spec, p.state.r, p.current.r, p.cond.r, in[0].r, in[1].r, in[2].r, ds.r, dc.r, dg.r, p.batch, p.neurons);
        }
        assertClose(tag(p.what() + " dCond after two calls"), dg.cpuOut(), dg.refOut(), GRAD_TOL);
        assertClose(tag(p.what() + " dState (overwritten, not accumulated)"), ds.cpuOut(), ds.refOut(), GRAD_TOL);
    }

    // ---- numerics ----------------------------------------------------------------------------

    /** α_m at V = −40 and α_n at V = −55 are 0/0 in the formula: both start voltages must step to finite values. */
    @Test void removableSingularitiesGiveFiniteResults() {
        int n = 32;
        float[] s = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float v = i % 2 == 0 ? -40f : -55f;
            double[] g = steadyGates(v);
            s[4 * i] = v;
            for (int q = 0; q < 3; q++) s[4 * i + 1 + q] = (float) g[q];
        }
        for (int w : new int[] {1, 20}) {
            Problem p = new Problem(2, n / 2, w, 4, false, s, uniform(n, 0, 10));
            Twin[] out = p.forward();
            for (Twin t : out)
                for (float x : t.cpuOut()) assertTrue(Float.isFinite(x), tag(p.what() + " from V = -40 / -55: " + x));
            checkForward(p.what() + " from V = -40 / -55", out);
            Twin[] in = p.incoming();
            Twin[] g = p.backward(in[0], in[1], in[2], false);
            for (float x : g[0].cpuOut()) assertTrue(Float.isFinite(x), tag(p.what() + " dState from V = -40 / -55: " + x));
            checkBackward(p.what() + " from V = -40 / -55", g);
        }
    }

    /** 1000 steps (10 windows of 100) from V in [−100, 60] with currents in [−50, 200]: nothing overflows. */
    @Test void staysFiniteOverLongRunsAndStrongCurrents() {
        int batch = 8, neurons = 200, n = batch * neurons, w = 100, degree = 4;
        HhSpec spec = HhSpec.defaults(w, degree);
        Twin state = new Twin(physiological(n, -100, 60)), current = new Twin(uniform(n, -50, 200));
        Twin next = new Twin(new float[4 * n]), bs = new Twin(new float[n * (degree + 1)]), sp = new Twin(new float[n]);
        for (int win = 0; win < 10; win++) {
            cpu.hhForward(spec, state.c, current.c, null, next.c, bs.c, sp.c, batch, neurons);
            for (Twin out : new Twin[] {next, bs, sp})
                for (float x : out.cpuOut())
                    assertTrue(Float.isFinite(x), tag("window " + win + ": non-finite output " + x));
            Twin swap = state;
            state = next;
            next = swap;
        }
        Twin ds = new Twin(new float[4 * n]), dc = new Twin(new float[n]);
        cpu.hhBackward(spec, state.c, current.c, null, new Twin(gaussian(4 * n, 1)).c, new Twin(gaussian(n * (degree + 1), 0.01)).c,
                new Twin(gaussian(n, 1)).c, ds.c, dc.c, null, batch, neurons);
        for (Twin t : new Twin[] {ds, dc})
            for (float x : t.cpuOut()) assertTrue(Float.isFinite(x), tag("backward after 900 steps: non-finite " + x));
    }

    /** Units never share an output, and dCond is summed over the batch in a fixed order: bits independent of threads. */
    @Test void resultsDoNotDependOnThreadCount() {
        int before = CpuBackend.threads();
        Problem p = new Problem(40, 820, 32, 2, true);
        Twin[] in = p.incoming();
        int n = p.n;
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                CpuBackend.setThreads(threads);
                Twin so = new Twin(new float[4 * n]), bs = new Twin(new float[n * p.k]), sp = new Twin(new float[n]);
                Twin ds = new Twin(new float[4 * n]), dc = new Twin(new float[n]), dg = new Twin(new float[3 * p.neurons]);
                cpu.hhForward(p.spec, p.state.c, p.current.c, p.cond.c, so.c, bs.c, sp.c, p.batch, p.neurons);
                cpu.hhBackward(p.spec, p.state.c, p.current.c, p.cond.c, in[0].c, in[1].c, in[2].c, ds.c, dc.c, dg.c, p.batch, p.neurons);
                float[][] got = {so.cpuOut(), bs.cpuOut(), sp.cpuOut(), ds.cpuOut(), dc.cpuOut(), dg.cpuOut()};
                if (first == null) first = got;
                else for (int q = 0; q < got.length; q++) assertArrayEquals(first[q], got[q], tag("output " + q + " with " + threads + " threads"));
            }
        } finally {
            CpuBackend.setThreads(before);
        }
    }

    // ---- argument checks ---------------------------------------------------------------------

    @Test void invalidArgumentsAreIllegalArgumentExceptions() {
        Problem p = new Problem(2, 5, 3, 2, true);
        Buffer ds = new Twin(new float[40]).c, dc = new Twin(new float[10]).c, small = new Twin(new float[3]).c;
        Buffer dg = new Twin(new float[15]).c, so = new Twin(new float[40]).c, bs = new Twin(new float[30]).c, sp = new Twin(new float[10]).c;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                cpu.hhBackward(p.spec, p.state.c, p.current.c, null, null, null, null, ds, dc, dg, 2, 5));
        assertTrue(e.getMessage().contains("cond"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                cpu.hhForward(p.spec, p.state.c, p.current.c, null, so, small, sp, 2, 5));
        assertTrue(e.getMessage().contains("basisSum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                cpu.hhForward(p.spec, p.state.c, p.current.c, small, so, bs, sp, 2, 5));
        assertTrue(e.getMessage().contains("cond"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                cpu.hhForward(p.spec, p.state.r, p.current.c, null, so, bs, sp, 2, 5));   // a reference buffer
        assertTrue(e.getMessage().contains("state"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cpu.hhForward(null, p.state.c, p.current.c, null, so, bs, sp, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> cpu.hhForward(p.spec, p.state.c, p.current.c, null, so, bs, sp, -1, 5));
    }
}
