package org.hhnn.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Tensor;

/**
 * A layer of M Hodgkin-Huxley neurons read out through learnable Legendre polynomials
 * (DESIGN.md § "HH layer: the exact model"; HHNN paper §2.4–3.10).
 *
 * <p>x (B, N) → currents I = gain·(x Wᵀ + b), or I = I_max·σ(x Wᵀ + b) in bounded mode (B, M; gain trainable) →
 * T steps of HH per neuron from rest, run as T/w windows of w steps (one fused backend call and one
 * tape node each; between windows the coupling currents are recomputed and held constant):
 * lateral inhibition I_inh,j = −α Σ_{k≠j} R_k (paper 3.6) and feedback I_fb = λ F W_fbᵀ (3.8),
 * with R the spike rate of the previous window (spikes/ms; surrogate gradient) and F its readout.
 * Readout: per-neuron F_j = Σ_k A_jk · mean_t P_k(x_j(t)) with x = clamp((V+15)/75, −1, 1), or
 * the dense ("KAN") form F = A·vec(mean_t P(V)) + c; optional σ/tanh after (3.9). In rate mode the
 * output is R over the whole run instead. In rate25 mode R is the paper's formula 2.5 taken literally,
 * R = 1/(T_ref + ∫Θ(V − V_th)dt) = 1/(T_ref + dt·(steps with V ≥ V_th)) (1/ms; windows run with
 * {@link HhSpec#countAbove()}, its surrogate gives the gradient): over the whole run for the output, over
 * the previous window for inhibition and feedback. Hebbian plasticity (3.7) Δg = γ(V_j − V_rest)R_j is
 * computed by each training forward and applied to the chosen channels by {@link #constrain()}, after the optimiser
 * step, outside the gradient: the backward pass recomputes the windows with the conductances the forward ran with.
 *
 * <p>Sequences ({@link #forwardSequence}): token t's current is held for steps_per_token steps, the state carried from
 * token to token through the same windows (they end at token boundaries), padding masked.
 */
public final class HHLayer extends Module {

    /** The resting state the simulation starts from: V = −65 mV, gates at their steady states. */
    public static final float V_REST = -65f;

    public enum Readout { NEURON, DENSE, RATE, RATE25 }

    /** Which tokens of a sequence the readout is taken over: the last valid one's steps, or the mean over every valid one's. */
    public enum TokenReadout { LAST, MEAN }

    public final HHConfig cfg;
    private final HhSpec spec;
    private final Tensor weight, bias, gain, coeffs, denseBias, cond, feedback;
    private final Backend backend;
    /** Σ Δg_j (M) of the training forwards since the last {@link #constrain()}; null when none is pending. */
    private float[] pendingHebbian;

    public HHLayer(Backend backend, HHConfig cfg, SplittableRandom rng) {
        cfg.validate();
        this.backend = backend;
        this.cfg = cfg;
        this.spec = new HhSpec(cfg.window, cfg.dt, cfg.degree, cfg.cm, cfg.eNa, cfg.eK, cfg.eL, cfg.gNa, cfg.gK, cfg.gL, cfg.vThreshold, 2f,
                cfg.readout == Readout.RATE25);
        int n = cfg.inFeatures, m = cfg.neurons, k = cfg.degree + 1;
        weight = param("weight", backend, Init.kaimingUniform(rng, m * n, n), m, n);
        bias = param("bias", backend, Init.constant(m, cfg.biasInit), m);
        gain = cfg.trainGain ? param("gain", backend, new float[] {cfg.gain}, 1, 1) : null;
        if (cfg.readout == Readout.NEURON) {
            coeffs = param("legendre", backend, initPerNeuron(rng, m, k), m, k);
            denseBias = null;
        } else if (cfg.readout == Readout.DENSE) {
            coeffs = param("legendre", backend, Init.glorotUniform(rng, cfg.denseOut * m * k, m * k, cfg.denseOut), cfg.denseOut, m * k);
            denseBias = param("legendre_bias", backend, new float[cfg.denseOut], cfg.denseOut);
        } else {
            coeffs = null;
            denseBias = null;
        }
        float[] g = new float[m * 3];
        for (int j = 0; j < m; j++) { g[3 * j] = spec.gNa(); g[3 * j + 1] = spec.gK(); g[3 * j + 2] = spec.gL(); }
        if (cfg.trainConductances) cond = param("conductance", backend, g, m, 3);
        // Hebbian plasticity changes fixed conductances outside the gradient: state a checkpoint must keep
        else cond = (cfg.hebbianRate != 0f) ? buffer("conductance", Tensor.persistentOf(backend, g, m, 3)) : null;
        feedback = cfg.feedback != 0f ? param("feedback", backend, Init.glorotUniform(rng, m * outFeatures(), outFeatures(), m), m, outFeatures()) : null;
    }

    /** Per-neuron coefficients: F starts as the mean of x(V) (A_j1 = 1) plus small noise on the others, so readouts differ per neuron. */
    private static float[] initPerNeuron(SplittableRandom rng, int m, int k) {
        float[] a = Init.uniform(rng, m * k, 0.1);
        if (k > 1) for (int j = 0; j < m; j++) a[j * k + 1] += 1f;
        return a;
    }

    /** Width of this layer's output. */
    public int outFeatures() { return cfg.readout == Readout.DENSE ? cfg.denseOut : cfg.neurons; }

    public Tensor conductances() { return cond; }

    /**
     * Trained conductances are held ≥ 0 (a negative g turns its current's sign and drives V away from the reversal
     * potential without bound; Hebbian updates are clamped the same way). No upper bound: explicit Euler on V is
     * stable while dt·(g_Na m³h + g_K n⁴ + g_L)/C_m &lt; 2 (80 mS/cm² at dt = 0.025 ms), and the defaults peak near 40 on
     * a spike (m³h ≈ 0.26, n⁴ ≈ 0.24), so g_Na trained to about twice its default, or a larger dt, can break it; the
     * bound depends on the gates' trajectory, so it is left to dt and the learning rate rather than clamped.
     */
    @Override public void constrain() {
        super.constrain();
        applyHebbian();
        if (cfg.trainConductances) backend.unary(UnaryOp.RELU, cond.buffer(), cond.buffer(), cond.size());
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != cfg.inFeatures)
            throw new IllegalArgumentException("HH layer expects input (batch, " + cfg.inFeatures + "), got " + x);
        return run(List.of(current(x)), null, cfg.steps, false);
    }

    /**
     * The input current I = gain·σ(x Wᵀ + b) (bounded) or gain·(x Wᵀ + b), x (B, N) → (B, M); gain is a parameter when
     * {@link HHConfig#trainGain}.
     */
    public Tensor current(Tensor x) {
        Tensor pre = Ops.linear(x, weight, bias);
        Tensor a = cfg.boundedCurrent ? Ops.sigmoid(pre) : pre;
        if (gain == null) return Ops.scale(a, cfg.gain);
        // a trainable scalar times every element: (B·M, 1)·(1, 1), whose backward sums a ⊙ dI into dgain
        return Ops.reshape(Ops.matmul(Ops.reshape(a, (int) a.size(), 1), gain), a.shape());
    }

    /**
     * A sequence (DESIGN.md § HH layer, Sequences): currents.get(t) (B, M) from {@link #current} of token t drives the
     * neurons for {@link HHConfig#stepsPerToken} steps, the state (V, m, h, n), the previous window's rate and readout
     * (inhibition, feedback) carried from token to token. mask (L·B, time-major; null = no padding): a 0 leaves row b's
     * carried state as it was, so padding anywhere changes nothing. The readout is taken over the last valid token's
     * steps, or averaged over every valid token's ({@link HHConfig#tokenReadout}).
     */
    public Tensor forwardSequence(List<Tensor> currents, float[] mask) {
        cfg.validateSequence();
        if (currents.isEmpty()) throw new IllegalArgumentException("HH layer: a sequence needs at least one token");
        int b = currents.get(0).dim(0);
        for (Tensor c : currents) c.expectShape("HH layer token current", b, cfg.neurons);
        if (mask != null && mask.length != currents.size() * b)
            throw new IllegalArgumentException("HH layer: mask has " + mask.length + " entries for " + currents.size() + " tokens x " + b + " rows");
        return run(currents, mask, cfg.stepsPerToken, cfg.tokenReadout == TokenReadout.MEAN);
    }

    /**
     * Cuts the gradient of the carried state at token boundaries (the forward is unchanged): only the gradient check's
     * negative control sets it, to show that the check sees the gradient that flows from token to token.
     */
    boolean detachBetweenTokens = false;

    /** The simulation: stepsPerInput steps per current of currents (mask: see {@link #forwardSequence}). */
    private Tensor run(List<Tensor> currents, float[] mask, int stepsPerInput, boolean meanOverTokens) {
        int b = currents.get(0).dim(0), m = cfg.neurons, kk = cfg.degree + 1, len = currents.size();
        Tensor state = restState(b);
        Tensor basisOut = null, spikeOut = null, rate = null, readoutPrev = null;
        int windows = stepsPerInput / cfg.window;
        float perMs = 1f / (cfg.window * cfg.dt);
        boolean rate25 = cfg.readout == Readout.RATE25;   // then spikes = steps above threshold (spec.countAbove())
        boolean coupled = cfg.inhibition != 0f || cfg.feedback != 0f;
        for (int t = 0; t < len; t++) {
            float[] keep = mask == null ? null : rowMask(mask, t, b);
            if (t > 0 && detachBetweenTokens) state = Ops.detach(state);
            Tensor basisTotal = null, spikeTotal = null;
            for (int w = 0; w < windows; w++) {
                boolean lastWindow = t + 1 == len && w + 1 == windows;
                Tensor iw = currents.get(t);
                if (cfg.inhibition != 0f && rate != null) iw = Ops.add(iw, inhibition(rate, m));
                if (cfg.feedback != 0f && readoutPrev != null) iw = Ops.add(iw, Ops.scale(Ops.linear(readoutPrev, feedback, null), cfg.feedback));
                Tensor[] out = Ops.hhWindow(spec, state, iw, cond);
                state = masked(out[0], state, keep);
                Tensor counts = cfg.spikeSurrogate ? out[2] : Ops.detach(out[2]);
                if (!rate25) rate = masked(Ops.scale(counts, perMs), rate, keep);
                else if (coupled && !lastWindow) rate = masked(rate25(counts), rate, keep);
                basisTotal = basisTotal == null ? out[1] : Ops.add(basisTotal, out[1]);
                spikeTotal = spikeTotal == null ? counts : Ops.add(spikeTotal, counts);
                if (cfg.feedback != 0f && !lastWindow)
                    readoutPrev = masked(cfg.readout == Readout.RATE || rate25 ? rate : readout(Ops.scale(out[1], 1f / cfg.window), b),
                            readoutPrev, keep);
            }
            if (meanOverTokens) {   // Σ over valid tokens; divided by each row's count below
                if (keep != null) { basisTotal = scaleRows(basisTotal, keep); spikeTotal = scaleRows(spikeTotal, keep); }
                basisOut = basisOut == null ? basisTotal : Ops.add(basisOut, basisTotal);
                spikeOut = spikeOut == null ? spikeTotal : Ops.add(spikeOut, spikeTotal);
            } else {                // the last valid token's sums
                basisOut = masked(basisTotal, basisOut, keep);
                spikeOut = masked(spikeTotal, spikeOut, keep);
            }
        }
        // the sums over one input's steps: per token (mean of the valid tokens' sums) or of the last token
        if (meanOverTokens) {
            float[] perRow = new float[b];
            for (int r = 0; r < b; r++) {
                int valid = 0;
                for (int t = 0; t < len; t++) valid += mask == null || mask[t * b + r] != 0f ? 1 : 0;
                perRow[r] = valid == 0 ? 0f : 1f / valid;
            }
            if (mask != null) { basisOut = scaleRows(basisOut, perRow); spikeOut = scaleRows(spikeOut, perRow); }
            else if (len > 1) { basisOut = Ops.scale(basisOut, 1f / len); spikeOut = Ops.scale(spikeOut, 1f / len); }
        }
        if (rate25) {
            Tensor r = rate25(spikeOut);
            if (cfg.hebbianRate != 0f && isTraining()) hebbian(state, r, 1f);
            return r;
        }
        float runMs = stepsPerInput * cfg.dt;
        if (cfg.hebbianRate != 0f && isTraining()) hebbian(state, spikeOut, 1f / runMs);
        if (cfg.readout == Readout.RATE) return Ops.scale(spikeOut, 1f / runMs);
        return readout(Ops.scale(basisOut, 1f / stepsPerInput), b);
    }

    /** Token t's entries of the mask (one per row), or null when every row of the token is valid. */
    private static float[] rowMask(float[] mask, int t, int b) {
        float[] k = java.util.Arrays.copyOfRange(mask, t * b, (t + 1) * b);
        for (float v : k) if (v == 0f) return k;
        return null;
    }

    /** A constant (B, width) tensor whose row r is perRow[r] in every column. */
    private Tensor rows(float[] perRow, int width) {
        float[] v = new float[perRow.length * width];
        for (int r = 0; r < perRow.length; r++) java.util.Arrays.fill(v, r * width, (r + 1) * width, perRow[r]);
        return Tensor.of(backend, v, perRow.length, width);
    }

    /** x (B, ...) with row r times perRow[r]. */
    private Tensor scaleRows(Tensor x, float[] perRow) {
        int b = x.dim(0), width = (int) (x.size() / b);
        return Ops.reshape(Ops.mul(Ops.reshape(x, b, width), rows(perRow, width)), x.shape());
    }

    /**
     * next where keep[r] = 1, prev (zeros when null) where it is 0, row by row; next itself when keep is null. A product
     * with exactly 1 or 0 and a sum with an exact 0 round nothing, so a masked row holds prev's values bit for bit.
     */
    private Tensor masked(Tensor next, Tensor prev, float[] keep) {
        if (keep == null) return next;
        float[] drop = new float[keep.length];
        for (int r = 0; r < keep.length; r++) drop[r] = 1f - keep[r];
        Tensor kept = scaleRows(next, keep);
        return prev == null ? kept : Ops.add(kept, scaleRows(prev, drop));
    }

    private Tensor readout(Tensor meanBasis, int b) {
        Tensor f = cfg.readout == Readout.NEURON
                ? Ops.neuronReadout(meanBasis, coeffs)
                : Ops.linear(Ops.reshape(meanBasis, b, cfg.neurons * (cfg.degree + 1)), coeffs, denseBias);
        return Ops.unary(cfg.outActivation, f);
    }

    private Tensor rate25(Tensor above) { return rate25(backend, above, cfg.dt, cfg.refractoryMs); }

    /** The paper's rate 2.5: R = 1/(T_ref + dt·above) (1/ms) from steps above threshold (B, M), as exp(−log(·)). */
    static Tensor rate25(Backend backend, Tensor above, float dt, float refractoryMs) {
        Tensor tRef = Tensor.of(backend, Init.constant(above.isize(), refractoryMs), above.shape());
        return Ops.exp(Ops.scale(Ops.log(Ops.add(Ops.scale(above, dt), tRef)), -1f));
    }

    /** I_inh,j = −α (Σ_k R_k − R_j): row sums broadcast back with two rank-1 gemms. */
    private Tensor inhibition(Tensor rate, int m) {
        Tensor onesCol = Tensor.of(backend, Init.constant(m, 1f), m, 1), onesRow = Tensor.of(backend, Init.constant(m, 1f), 1, m);
        Tensor total = Ops.matmul(Ops.matmul(rate, onesCol), onesRow);
        return Ops.scale(Ops.sub(total, rate), -cfg.inhibition);
    }

    /** Start state (B, M, 4): V = −65 and m, h, n at their steady states there. */
    private Tensor restState(int b) {
        float[] s = restStateValues(cfg.vRest);
        float[] all = new float[b * cfg.neurons * 4];
        for (int i = 0; i < b * cfg.neurons; i++) System.arraycopy(s, 0, all, 4 * i, 4);
        return Tensor.of(backend, all, b, cfg.neurons, 4);
    }

    /** {V, m∞, h∞, n∞} at V_REST from the textbook rates (DESIGN.md). */
    public static float[] restStateValues() { return restStateValues(V_REST); }

    /** {V, m∞, h∞, n∞} at V = vRest (mV) from the textbook rates. */
    public static float[] restStateValues(float vRest) {
        double v = vRest;
        double am = 0.1 * (v + 40) / (1 - Math.exp(-0.1 * (v + 40))), bm = 4 * Math.exp(-0.0556 * (v + 65));
        double ah = 0.07 * Math.exp(-0.05 * (v + 65)), bh = 1 / (1 + Math.exp(-0.1 * (v + 35)));
        double an = 0.01 * (v + 55) / (1 - Math.exp(-0.1 * (v + 55))), bn = 0.125 * Math.exp(-0.0125 * (v + 65));
        return new float[] {(float) v, (float) (am / (am + bm)), (float) (ah / (ah + bh)), (float) (an / (an + bn))};
    }

    /**
     * Hebbian plasticity (paper 3.7): g_channel,j += γ · mean_b (V_j − V_rest) · R_j, with V the end
     * voltage and R = activity·perMs the run's rate (spikes/ms, or formula 2.5's R with perMs = 1), for
     * each chosen channel (0 Na, 1 K, 2 L). Only recorded here: the conductances must stay as they are until the
     * backward pass has run (it recomputes each window from them), so {@link #applyHebbian} adds it after the step.
     */
    private void hebbian(Tensor endState, Tensor activity, float perMs) {
        try (GradMode g = GradMode.noGrad()) {
            float[] s = endState.toArray(), sp = activity.toArray();
            int b = endState.dim(0), m = cfg.neurons;
            float[] delta = hebbianDelta(s, sp, b, m, perMs, cfg.hebbianRate, cfg.vRest);
            if (pendingHebbian == null) pendingHebbian = delta;
            else for (int j = 0; j < m; j++) pendingHebbian[j] += delta[j];
        }
    }

    /** Adds the pending Hebbian change to the chosen channels, each held ≥ 0 (as trained conductances). */
    private void applyHebbian() {
        if (pendingHebbian == null) return;
        float[] c = cond.toArray();
        for (int j = 0; j < cfg.neurons; j++)
            for (int ch : cfg.hebbianChannels) c[3 * j + ch] = Math.max(0f, c[3 * j + ch] + pendingHebbian[j]);
        backend.upload(c, cond.buffer());
        pendingHebbian = null;
    }

    /** Δg_j = γ · mean over the batch of (V_j − V_rest) · R_j; state (B, M, 4), spikes (B, M). */
    static float[] hebbianDelta(float[] state, float[] spikes, int b, int m, float perMs, float gamma) {
        return hebbianDelta(state, spikes, b, m, perMs, gamma, V_REST);
    }

    static float[] hebbianDelta(float[] state, float[] spikes, int b, int m, float perMs, float gamma, float vRest) {
        float[] d = new float[m];
        for (int j = 0; j < m; j++) {
            double acc = 0;
            for (int i = 0; i < b; i++) acc += (state[(i * m + j) * 4] - vRest) * (spikes[i * m + j] * perMs);
            d[j] = (float) (gamma * acc / b);
        }
        return d;
    }
}
