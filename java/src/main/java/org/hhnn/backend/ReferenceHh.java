package org.hhnn.backend;

import static org.hhnn.backend.ReferenceHh.State.H;
import static org.hhnn.backend.ReferenceHh.State.M;
import static org.hhnn.backend.ReferenceHh.State.N;
import static org.hhnn.backend.ReferenceHh.State.V;

/**
 * The reference Hodgkin-Huxley window ({@link Backend#hhForward}, {@link Backend#hhBackward}), written from
 * DESIGN.md § "HH layer: the exact model" (paper 2.2–2.3 and 3.2). Everything is computed in float64; results are
 * rounded by {@link ReferenceBackend#round} only when stored.
 *
 * <p>Numerics that the contract leaves to the implementation, fixed here:
 * <ul>
 *   <li>α_m = b(0.1(V+40)) and α_n = 0.1·b(0.1(V+55)) with b(z) = z/(1 − e^{−z}); b has a removable singularity
 *       at z = 0 (V = −40, −55), so for |z| &lt; {@value #SERIES_RADIUS} b and b' come from their Taylor series.</li>
 *   <li>Every exponent argument that can grow is clamped to at most {@value #EXP_ARG_MAX} (e^80 ≈ 5.5e34 is still a
 *       finite float32), so no rate overflows however far V wanders; the clamp only acts for |V| of several hundred
 *       mV. The clamped part is constant beyond the clamp, so its derivative there is 0.</li>
 *   <li>β_h = σ(0.1(V+35)) and the spike surrogate use a sigmoid that never exponentiates a positive number.</li>
 * </ul>
 *
 * <p>Backward recomputes the window from its start state, keeps the w+1 states, then runs reverse mode through the
 * steps with the chain rule written out by hand (one method per piece below).
 */
sealed interface ReferenceHh extends Backend permits ReferenceBackend {

    /** The storage rounding of the reference this is part of ({@link ReferenceBackend#round}). */
    private double round(double v) { return ((ReferenceBackend) this).round(v); }

    static final double EXP_ARG_MAX = 80;
    static final double SERIES_RADIUS = 0.1;
    /** Readout argument x = (V + 15)/75 (DESIGN.md § HH layer: Legendre readout). */
    static final double READOUT_OFFSET = 15, READOUT_SCALE = 75;

    /** Indices into one neuron's state (V, m, h, n). */
    final class State {
        static final int V = 0, M = 1, H = 2, N = 3;

        private State() {}
    }

    // ---- rates ---------------------------------------------------------------------------------

    /** e^a with a clamped to at most EXP_ARG_MAX. */
    private static double exp(double a) { return Math.exp(Math.min(a, EXP_ARG_MAX)); }

    /** d/da of {@link #exp}: e^a below the clamp, 0 above it. */
    private static double expSlope(double a) { return a < EXP_ARG_MAX ? Math.exp(a) : 0.0; }

    /** b(z) = z/(1 − e^{−z}); series 1 + z/2 + z²/12 − z⁴/720 + z⁶/30240 − z⁸/1209600 near 0 (Bernoulli numbers). */
    static double bern(double z) {
        if (Math.abs(z) < SERIES_RADIUS) {
            double z2 = z * z;
            return 1 + z / 2 + z2 * (1.0 / 12 + z2 * (-1.0 / 720 + z2 * (1.0 / 30240 - z2 / 1209600)));
        }
        return z / oneMinusExpNeg(z);
    }

    /** 1 − e^{−z} with the clamp of {@link #exp}, via expm1 where unclamped (no cancellation for small z). */
    private static double oneMinusExpNeg(double z) { return -z < EXP_ARG_MAX ? -Math.expm1(-z) : 1 - exp(-z); }

    /** b'(z) = (1 − e^{−z} − z·e^{−z})/(1 − e^{−z})²; series 1/2 + z/6 − z³/180 + z⁵/5040 − z⁷/151200 near 0. */
    static double bernSlope(double z) {
        if (Math.abs(z) < SERIES_RADIUS) {
            double z2 = z * z;
            return 0.5 + z * (1.0 / 6 + z2 * (-1.0 / 180 + z2 * (1.0 / 5040 - z2 / 151200)));
        }
        double den = oneMinusExpNeg(z);
        return (den - z * expSlope(-z)) / (den * den);
    }

    /** σ(u) = 1/(1 + e^{−u}) without overflow for any u. */
    static double sigmoid(double u) {
        if (u >= 0) return 1 / (1 + Math.exp(-u));
        double e = Math.exp(u);
        return e / (1 + e);
    }

    /** The six HH rates (1/ms) at one voltage and their derivatives with respect to V (DESIGN.md § HH layer). */
    static final class Rates {
        double am, bm, ah, bh, an, bn;
        double dam, dbm, dah, dbh, dan, dbn;

        Rates at(double v) {
            double zm = 0.1 * (v + 40), zn = 0.1 * (v + 55);
            am = bern(zm);                                   dam = 0.1 * bernSlope(zm);
            bm = 4 * exp(-0.0556 * (v + 65));                dbm = 4 * -0.0556 * expSlope(-0.0556 * (v + 65));
            ah = 0.07 * exp(-0.05 * (v + 65));               dah = 0.07 * -0.05 * expSlope(-0.05 * (v + 65));
            bh = sigmoid(0.1 * (v + 35));                    dbh = 0.1 * bh * (1 - bh);
            an = 0.1 * bern(zn);                             dan = 0.01 * bernSlope(zn);
            bn = 0.125 * exp(-0.0125 * (v + 65));            dbn = 0.125 * -0.0125 * expSlope(-0.0125 * (v + 65));
            return this;
        }
    }

    // ---- one step, forward ---------------------------------------------------------------------

    /** Exponential-Euler gate update x ← x∞ + (x − x∞)·e^{−dt(α+β)}, x∞ = α/(α+β). */
    static double gate(double x, double a, double b, double dt) {
        double inf = a / (a + b);
        return inf + (x - inf) * Math.exp(-dt * (a + b));
    }

    /** The ionic current g_Na m³h(V−E_Na) + g_K n⁴(V−E_K) + g_L(V−E_L) (µA/cm²). */
    private static double ionic(HhSpec sp, double[] g, double v, double m, double h, double n) {
        return g[0] * m * m * m * h * (v - sp.eNa()) + g[1] * n * n * n * n * (v - sp.eK()) + g[2] * (v - sp.eL());
    }

    /** One step from s to next (DESIGN.md § HH layer): gates by exponential Euler, V by Euler with the OLD gates. */
    private static void step(HhSpec sp, double[] g, double current, double[] s, Rates r, double[] next) {
        double dt = sp.dt();
        r.at(s[V]);
        next[M] = gate(s[M], r.am, r.bm, dt);
        next[H] = gate(s[H], r.ah, r.bh, dt);
        next[N] = gate(s[N], r.an, r.bn, dt);
        next[V] = s[V] + dt / sp.cm() * (current - ionic(sp, g, s[V], s[M], s[H], s[N]));
    }

    /** Readout argument before the clamp. */
    private static double readoutArg(double v) { return (v + READOUT_OFFSET) / READOUT_SCALE; }

    // ---- forward ---------------------------------------------------------------------------------

    @Override default void hhForward(HhSpec sp, Buffer state, Buffer current, Buffer cond,
                                     Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons) {
        String op = "hhForward";
        checkShapes(op, sp, state, current, cond, batch, neurons);
        int kk = sp.degree() + 1;
        ReferenceLegendre.need(op, "stateOut", stateOut, 4L * batch * neurons, batch + " x " + neurons + " x 4");
        ReferenceLegendre.need(op, "basisSum", basisSum, (long) batch * neurons * kk, batch + " x " + neurons + " x " + kk);
        ReferenceLegendre.need(op, "spikes", spikes, (long) batch * neurons, batch + " x " + neurons);
        double[] S = ReferenceBackend.data(state), I = ReferenceBackend.data(current);
        double[] SO = ReferenceBackend.data(stateOut), BS = ReferenceBackend.data(basisSum), SP = ReferenceBackend.data(spikes);
        Rates r = new Rates();
        double[] s = new double[4], next = new double[4], p = new double[kk], sum = new double[kk];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                int i = b * neurons + j;
                double[] g = conductances(sp, cond, j);
                System.arraycopy(S, 4 * i, s, 0, 4);
                java.util.Arrays.fill(sum, 0);
                int count = 0;
                for (int t = 1; t <= sp.steps(); t++) {
                    step(sp, g, I[i], s, r, next);
                    ReferenceLegendre.values(ReferenceLegendre.clamp(readoutArg(next[V])), sp.degree(), p);
                    for (int k = 0; k < kk; k++) sum[k] += p[k];
                    if (sp.countAbove() ? sp.vTh() <= next[V] : s[V] < sp.vTh() && sp.vTh() <= next[V]) count++;
                    double[] tmp = s; s = next; next = tmp;
                }
                for (int q = 0; q < 4; q++) SO[4 * i + q] = round(s[q]);
                for (int k = 0; k < kk; k++) BS[i * kk + k] = round(sum[k]);
                SP[i] = count;
            }
    }

    // ---- backward --------------------------------------------------------------------------------

    @Override default void hhBackward(HhSpec sp, Buffer state, Buffer current, Buffer cond,
                                      Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                                      Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons) {
        String op = "hhBackward";
        checkShapes(op, sp, state, current, cond, batch, neurons);
        int kk = sp.degree() + 1, w = sp.steps();
        String bm = batch + " x " + neurons;
        if (dStateOut != null) ReferenceLegendre.need(op, "dStateOut", dStateOut, 4L * batch * neurons, bm + " x 4");
        if (dBasisSum != null) ReferenceLegendre.need(op, "dBasisSum", dBasisSum, (long) batch * neurons * kk, bm + " x " + kk);
        if (dSpikes != null) ReferenceLegendre.need(op, "dSpikes", dSpikes, (long) batch * neurons, bm);
        ReferenceLegendre.need(op, "dState", dState, 4L * batch * neurons, bm + " x 4");
        ReferenceLegendre.need(op, "dCurrent", dCurrent, (long) batch * neurons, bm);
        if (dCond != null) {
            if (cond == null) throw new IllegalArgumentException(op + ": dCond was given but cond is null (gradients w.r.t. the spec's default conductances are not defined)");
            ReferenceLegendre.need(op, "dCond", dCond, 3L * neurons, neurons + " x 3");
        }
        double[] S = ReferenceBackend.data(state), I = ReferenceBackend.data(current);
        double[] DSO = dStateOut == null ? null : ReferenceBackend.data(dStateOut);
        double[] DBS = dBasisSum == null ? null : ReferenceBackend.data(dBasisSum);
        double[] DSP = dSpikes == null ? null : ReferenceBackend.data(dSpikes);
        double[] DS = ReferenceBackend.data(dState), DI = ReferenceBackend.data(dCurrent);
        double[] gSum = new double[3 * neurons];            // dCond summed over the batch, added once at the end
        double[][] traj = new double[w + 1][4];
        double[] dBasis = new double[kk], a = new double[4], aG = new double[3];
        Rates r = new Rates();
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                int i = b * neurons + j;
                double[] g = conductances(sp, cond, j);
                // Recompute the window from its start state (checkpointing), keeping every state.
                System.arraycopy(S, 4 * i, traj[0], 0, 4);
                for (int t = 1; t <= w; t++) step(sp, g, I[i], traj[t - 1], r, traj[t]);

                for (int q = 0; q < 4; q++) a[q] = DSO == null ? 0 : DSO[4 * i + q];  // adjoint of the state after step t
                for (int k = 0; k < kk; k++) dBasis[k] = DBS == null ? 0 : DBS[i * kk + k];
                double dSpike = DSP == null ? 0 : DSP[i];
                double aI = 0;
                java.util.Arrays.fill(aG, 0);
                for (int t = w; t >= 1; t--) {
                    // V_t feeds the readout and the surrogate directly, besides the next step.
                    a[V] += readoutSlope(sp.degree(), dBasis, traj[t][V]);
                    a[V] += dSpike * surrogateSlope(sp, traj, t);
                    aI += stepBackward(sp, g, traj[t - 1], r, a, aG);   // a becomes the adjoint of the state before step t
                }
                if (!sp.countAbove()) a[V] += dSpike * surrogateSlope(sp, traj, 0);   // V_0 appears in the crossing surrogate's first term
                for (int q = 0; q < 4; q++) DS[4 * i + q] = round(a[q]);
                DI[i] = round(aI);
                for (int q = 0; q < 3; q++) gSum[3 * j + q] += aG[q];
            }
        if (dCond != null) {
            double[] DC = ReferenceBackend.data(dCond);
            for (int q = 0; q < 3 * neurons; q++) DC[q] = round(DC[q] + gSum[q]);
        }
    }

    /**
     * Reverse mode through one step s → s' (see {@link #step}). On entry a holds ∂L/∂s', on exit ∂L/∂s; adds
     * ∂L/∂(g_Na, g_K, g_L) to aG and returns ∂L/∂I of this step.
     */
    private static double stepBackward(HhSpec sp, double[] g, double[] s, Rates r, double[] a, double[] aG) {
        double dt = sp.dt(), k = dt / sp.cm();
        double v = s[V], m = s[M], h = s[H], n = s[N];
        r.at(v);
        double aV1 = a[V];
        // V' = V + k·(I − g_Na m³h(V−E_Na) − g_K n⁴(V−E_K) − g_L(V−E_L)), all at the old state.
        double dV1dV = 1 - k * (g[0] * m * m * m * h + g[1] * n * n * n * n + g[2]);
        double dV1dm = -k * g[0] * 3 * m * m * h * (v - sp.eNa());
        double dV1dh = -k * g[0] * m * m * m * (v - sp.eNa());
        double dV1dn = -k * g[1] * 4 * n * n * n * (v - sp.eK());
        aG[0] += aV1 * -k * m * m * m * h * (v - sp.eNa());
        aG[1] += aV1 * -k * n * n * n * n * (v - sp.eK());
        aG[2] += aV1 * -k * (v - sp.eL());
        // Each gate x' depends on x and, through its rates, on V.
        double aV = aV1 * dV1dV
                + a[M] * gateSlopeV(m, r.am, r.bm, r.dam, r.dbm, dt)
                + a[H] * gateSlopeV(h, r.ah, r.bh, r.dah, r.dbh, dt)
                + a[N] * gateSlopeV(n, r.an, r.bn, r.dan, r.dbn, dt);
        a[M] = aV1 * dV1dm + a[M] * gateSlopeX(r.am, r.bm, dt);
        a[H] = aV1 * dV1dh + a[H] * gateSlopeX(r.ah, r.bh, dt);
        a[N] = aV1 * dV1dn + a[N] * gateSlopeX(r.an, r.bn, dt);
        a[V] = aV;
        return aV1 * k;
    }

    /** ∂x'/∂x of {@link #gate}: the decay factor e^{−dt(α+β)}. */
    private static double gateSlopeX(double a, double b, double dt) { return Math.exp(-dt * (a + b)); }

    /**
     * ∂x'/∂V of {@link #gate} through α(V), β(V): with E = e^{−dt(α+β)},
     * x' = x∞(1 − E) + xE, so ∂x'/∂V = x∞'(1 − E) + (x − x∞)·∂E/∂V,
     * x∞' = (α'β − αβ')/(α+β)², ∂E/∂V = −dt(α'+β')E.
     */
    private static double gateSlopeV(double x, double a, double b, double da, double db, double dt) {
        double sum = a + b, inf = a / sum, e = Math.exp(-dt * sum);
        double dInf = (da * b - a * db) / (sum * sum);
        double dE = -dt * (da + db) * e;
        return dInf * (1 - e) + (x - inf) * dE;
    }

    /** ∂/∂V of Σ_k dBasis_k·P_k(clamp((V+15)/75)): no gradient where the argument is outside (−1, 1). */
    private static double readoutSlope(int degree, double[] dBasis, double v) {
        double x = readoutArg(v);
        if (!(x > -1 && x < 1)) return 0;
        double[] p = new double[degree + 1], dp = new double[degree + 1];
        ReferenceLegendre.values(x, degree, p);
        ReferenceLegendre.derivatives(degree, p, dp);
        double s = 0;
        for (int k = 0; k <= degree; k++) s += dBasis[k] * dp[k];
        return s / READOUT_SCALE;
    }

    /**
     * ∂ŝ/∂V_t for the spike-count surrogate of the contract, ŝ = Σ_{u=1..w} σ(z_u)(1 − σ(z_{u−1})),
     * z_u = (V_u − vTh)/κ. V_t appears in term t (as the new voltage) and in term t+1 (as the old one):
     * ∂ŝ/∂V_t = σ'(z_t)/κ · ([t ≥ 1](1 − σ(z_{t−1})) − [t &lt; w]σ(z_{t+1})). With countAbove the surrogate of the time
     * above threshold is ŝ = Σ_{u=1..w} σ(z_u), so ∂ŝ/∂V_t = σ'(z_t)/κ (t ≥ 1; the caller skips t = 0).
     */
    private static double surrogateSlope(HhSpec sp, double[][] traj, int t) {
        int w = traj.length - 1;
        double kappa = sp.surrogateWidth();
        double st = sigmoid((traj[t][V] - sp.vTh()) / kappa);
        if (sp.countAbove()) return st * (1 - st) / kappa;   // ŝ = Σ_{u=1..w} σ(z_u): ∂ŝ/∂V_t = σ'(z_t)/κ for t ≥ 1
        double inner = 0;
        if (t >= 1) inner += 1 - sigmoid((traj[t - 1][V] - sp.vTh()) / kappa);
        if (t < w) inner -= sigmoid((traj[t + 1][V] - sp.vTh()) / kappa);
        return st * (1 - st) / kappa * inner;
    }

    // ---- arguments -------------------------------------------------------------------------------

    /** g_Na, g_K, g_L of neuron j: from cond (M, 3) or the spec's defaults. */
    private static double[] conductances(HhSpec sp, Buffer cond, int j) {
        if (cond == null) return new double[] {sp.gNa(), sp.gK(), sp.gL()};
        double[] C = ReferenceBackend.data(cond);
        return new double[] {C[3 * j], C[3 * j + 1], C[3 * j + 2]};
    }

    private static void checkShapes(String op, HhSpec sp, Buffer state, Buffer current, Buffer cond, int batch, int neurons) {
        if (sp == null) throw new IllegalArgumentException(op + ": spec is null");
        if (batch < 0 || neurons < 0) throw new IllegalArgumentException(op + ": batch and neurons must be >= 0, got " + batch + " x " + neurons);
        ReferenceLegendre.need(op, "state", state, 4L * batch * neurons, batch + " x " + neurons + " x 4");
        ReferenceLegendre.need(op, "current", current, (long) batch * neurons, batch + " x " + neurons);
        if (cond != null) ReferenceLegendre.need(op, "cond", cond, 3L * neurons, neurons + " x 3");
    }
}
