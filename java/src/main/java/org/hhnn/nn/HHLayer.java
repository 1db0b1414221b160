package org.hhnn.nn;

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
 * <p>x (B, N) → currents I = gain·(x Wᵀ + b), or I = I_max·σ(x Wᵀ + b) in bounded mode (B, M) →
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
 */
public final class HHLayer extends Module {

    /** The resting state the simulation starts from: V = −65 mV, gates at their steady states. */
    public static final float V_REST = -65f;

    public enum Readout { NEURON, DENSE, RATE, RATE25 }

    public final HHConfig cfg;
    private final HhSpec spec;
    private final Tensor weight, bias, coeffs, denseBias, cond, feedback;
    private final Backend backend;
    /** Σ Δg_j (M) of the training forwards since the last {@link #constrain()}; null when none is pending. */
    private float[] pendingHebbian;

    public HHLayer(Backend backend, HHConfig cfg, SplittableRandom rng) {
        cfg.validate();
        this.backend = backend;
        this.cfg = cfg;
        this.spec = new HhSpec(cfg.window, cfg.dt, cfg.degree, 1f, 50f, -77f, -54.387f, 120f, 36f, 0.3f, cfg.vThreshold, 2f,
                cfg.readout == Readout.RATE25);
        int n = cfg.inFeatures, m = cfg.neurons, k = cfg.degree + 1;
        weight = param("weight", backend, Init.kaimingUniform(rng, m * n, n), m, n);
        bias = param("bias", backend, Init.constant(m, cfg.biasInit), m);
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
        int b = x.dim(0), m = cfg.neurons;
        Tensor pre = Ops.linear(x, weight, bias);
        Tensor current = cfg.boundedCurrent ? Ops.scale(Ops.sigmoid(pre), cfg.gain) : Ops.scale(pre, cfg.gain);

        Tensor state = restState(b);
        Tensor basisTotal = null, spikeTotal = null, rate = null, readoutPrev = null;
        int windows = cfg.steps / cfg.window;
        float perMs = 1f / (cfg.window * cfg.dt);
        boolean rate25 = cfg.readout == Readout.RATE25;   // then spikes = steps above threshold (spec.countAbove())
        boolean coupled = cfg.inhibition != 0f || cfg.feedback != 0f;
        for (int w = 0; w < windows; w++) {
            Tensor iw = current;
            if (cfg.inhibition != 0f && rate != null) iw = Ops.add(iw, inhibition(rate, m));
            if (cfg.feedback != 0f && readoutPrev != null) iw = Ops.add(iw, Ops.scale(Ops.linear(readoutPrev, feedback, null), cfg.feedback));
            Tensor[] out = Ops.hhWindow(spec, state, iw, cond);
            state = out[0];
            Tensor counts = cfg.spikeSurrogate ? out[2] : Ops.detach(out[2]);
            if (!rate25) rate = Ops.scale(counts, perMs);
            else if (coupled && w + 1 < windows) rate = rate25(counts);
            basisTotal = basisTotal == null ? out[1] : Ops.add(basisTotal, out[1]);
            spikeTotal = spikeTotal == null ? counts : Ops.add(spikeTotal, counts);
            if (cfg.feedback != 0f && w + 1 < windows)
                readoutPrev = cfg.readout == Readout.RATE || rate25 ? rate : readout(Ops.scale(out[1], 1f / cfg.window), b);
        }
        if (rate25) {
            Tensor r = rate25(spikeTotal);
            if (cfg.hebbianRate != 0f && isTraining()) hebbian(state, r, 1f);
            return r;
        }
        if (cfg.hebbianRate != 0f && isTraining()) hebbian(state, spikeTotal, 1f / (cfg.steps * cfg.dt));
        if (cfg.readout == Readout.RATE) return Ops.scale(spikeTotal, 1f / (cfg.steps * cfg.dt));
        return readout(Ops.scale(basisTotal, 1f / cfg.steps), b);
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
        float[] s = restStateValues();
        float[] all = new float[b * cfg.neurons * 4];
        for (int i = 0; i < b * cfg.neurons; i++) System.arraycopy(s, 0, all, 4 * i, 4);
        return Tensor.of(backend, all, b, cfg.neurons, 4);
    }

    /** {V, m∞, h∞, n∞} at V_REST from the textbook rates (DESIGN.md). */
    public static float[] restStateValues() {
        double v = V_REST;
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
            float[] delta = hebbianDelta(s, sp, b, m, perMs, cfg.hebbianRate);
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
        float[] d = new float[m];
        for (int j = 0; j < m; j++) {
            double acc = 0;
            for (int i = 0; i < b; i++) acc += (state[(i * m + j) * 4] - V_REST) * (spikes[i * m + j] * perMs);
            d[j] = (float) (gamma * acc / b);
        }
        return d;
    }
}
