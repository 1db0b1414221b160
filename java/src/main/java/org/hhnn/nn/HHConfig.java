package org.hhnn.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.hhnn.backend.UnaryOp;

/** Hyper-parameters of one {@link HHLayer}; public fields with defaults, JSON round trip for checkpoints. */
public final class HHConfig {
    public int inFeatures;
    /**
     * HH neurons M. `train --model hhnn --dataset fashion-mnist --epochs 3 --backend cpu`, seeds 1/2/3: 512 neurons
     * 0.8559 / 0.8579 / 0.8530 test accuracy in ~104 s of training, 256 neurons 0.8518 / 0.8505 / 0.8516 in ~53 s
     * (2026-11-30); 128 trailed 256 by 0.7 points after one epoch.
     */
    public int neurons = 512;
    /** Total HH steps T per input; must be a multiple of {@link #window}. */
    public int steps = 200;
    /** Steps per fused window w. */
    public int window = 50;
    public float dt = 0.025f;
    /** Current scale: I = gain·(xWᵀ+b), or the maximum current I_max in bounded mode; the initial value when trained. */
    public float gain = 20f;
    /** The gain is a trained parameter (DESIGN.md); configs written before it existed read as false. */
    public boolean trainGain = true;
    /** I = gain·σ(xWᵀ+b) instead of gain·(xWᵀ+b): keeps currents in [0, gain]. */
    public boolean boundedCurrent = true;
    public float biasInit = 0f;
    public int degree = 4;
    public HHLayer.Readout readout = HHLayer.Readout.NEURON;
    /** Output width of the dense readout. */
    public int denseOut = 64;
    public UnaryOp outActivation = UnaryOp.IDENTITY;
    public boolean trainConductances = false;
    /** Lateral inhibition strength α (µA/cm² per spike/ms); 0 = off. */
    public float inhibition = 0f;
    /** Feedback strength λ; 0 = off. */
    public float feedback = 0f;
    /** Hebbian plasticity rate γ; 0 = off. */
    public float hebbianRate = 0f;
    /** Channels the Hebbian rule updates: 0 = Na, 1 = K, 2 = leak. */
    public int[] hebbianChannels = {2};
    public float vThreshold = 0f;
    /** Backpropagate through spike counts with the surrogate (true) or treat them as constants (false). */
    public boolean spikeSurrogate = true;
    /** T_ref (ms) of the paper's rate formula 2.5, R = 1/(T_ref + time above threshold): the {@code rate25} readout. */
    public float refractoryMs = 2f;
    /** HH constants (DESIGN.md): capacitance µF/cm², reversal potentials mV, conductances mS/cm², the start voltage mV. */
    public float cm = 1f, eNa = 50f, eK = -77f, eL = -54.387f, gNa = 120f, gK = 36f, gL = 0.3f, vRest = HHLayer.V_REST;
    /** Sequences: HH steps each token's current is held for (a multiple of {@link #window}). */
    public int stepsPerToken = 50;
    /** Sequences: the readout over the last valid token's steps or the mean over all valid tokens'. */
    public HHLayer.TokenReadout tokenReadout = HHLayer.TokenReadout.MEAN;

    public void validate() {
        if (inFeatures < 1) throw new IllegalArgumentException("HH layer needs at least one input feature, got " + inFeatures);
        if (neurons < 1) throw new IllegalArgumentException("HH layer needs at least one neuron, got " + neurons);
        if (window < 1 || steps < window || steps % window != 0)
            throw new IllegalArgumentException("HH steps (" + steps + ") must be a positive multiple of the window (" + window + ")");
        if (!(cm > 0) || !Float.isFinite(cm)) throw new IllegalArgumentException("HH c_m must be a positive capacitance (µF/cm²), got " + cm);
        float[] g = {gNa, gK, gL};
        String[] gn = {"g_na", "g_k", "g_l"};
        for (int i = 0; i < 3; i++)
            if (!(g[i] >= 0) || !Float.isFinite(g[i])) throw new IllegalArgumentException("HH " + gn[i] + " must be a conductance >= 0 (mS/cm²), got " + g[i]);
        float[] e = {eNa, eK, eL, vRest};
        String[] en = {"e_na", "e_k", "e_l", "v_rest"};
        for (int i = 0; i < 4; i++)
            if (!Float.isFinite(e[i])) throw new IllegalArgumentException("HH " + en[i] + " must be a finite potential (mV), got " + e[i]);
        if (!(dt > 0 && dt <= 0.1f)) throw new IllegalArgumentException("HH dt must be in (0, 0.1] ms for a stable explicit step, got " + dt);
        if (degree < 0 || degree > 16) throw new IllegalArgumentException("Legendre degree must be in [0, 16], got " + degree);
        if (!(refractoryMs > 0) || !Float.isFinite(refractoryMs))
            throw new IllegalArgumentException("HH refractory period must be a positive number of ms, got " + refractoryMs);
        for (int c : hebbianChannels)
            if (c < 0 || c > 2) throw new IllegalArgumentException("Hebbian channel must be 0 (Na), 1 (K) or 2 (leak), got " + c);
    }

    /** The checks of {@link #validate} and those that only a layer reading sequences needs. */
    public void validateSequence() {
        validate();
        if (stepsPerToken < window || stepsPerToken % window != 0)
            throw new IllegalArgumentException("HH steps_per_token (" + stepsPerToken + ") must be a positive multiple of the window (" + window + ")");
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("in_features", inFeatures);
        o.addProperty("neurons", neurons);
        o.addProperty("steps", steps);
        o.addProperty("window", window);
        o.addProperty("dt", dt);
        o.addProperty("gain", gain);
        o.addProperty("train_gain", trainGain);
        o.addProperty("bounded_current", boundedCurrent);
        o.addProperty("bias_init", biasInit);
        o.addProperty("degree", degree);
        o.addProperty("readout", readout.name().toLowerCase());
        o.addProperty("dense_out", denseOut);
        o.addProperty("out_activation", outActivation.name().toLowerCase());
        o.addProperty("train_conductances", trainConductances);
        o.addProperty("inhibition", inhibition);
        o.addProperty("feedback", feedback);
        o.addProperty("hebbian_rate", hebbianRate);
        JsonArray ch = new JsonArray();
        if (!(refractoryMs > 0) || !Float.isFinite(refractoryMs))
            throw new IllegalArgumentException("HH refractory period must be a positive number of ms, got " + refractoryMs);
        for (int c : hebbianChannels) ch.add(c);
        o.add("hebbian_channels", ch);
        o.addProperty("v_threshold", vThreshold);
        o.addProperty("spike_surrogate", spikeSurrogate);
        o.addProperty("refractory_ms", refractoryMs);
        o.addProperty("c_m", cm);
        o.addProperty("e_na", eNa);
        o.addProperty("e_k", eK);
        o.addProperty("e_l", eL);
        o.addProperty("g_na", gNa);
        o.addProperty("g_k", gK);
        o.addProperty("g_l", gL);
        o.addProperty("v_rest", vRest);
        o.addProperty("steps_per_token", stepsPerToken);
        o.addProperty("token_readout", tokenReadout.name().toLowerCase());
        return o;
    }

    /** Reads the keys present in o over the defaults (so older configs keep working). */
    public static HHConfig fromJson(JsonObject o) {
        HHConfig c = new HHConfig();
        if (o.has("in_features")) c.inFeatures = o.get("in_features").getAsInt();
        if (o.has("neurons")) c.neurons = o.get("neurons").getAsInt();
        if (o.has("steps")) c.steps = o.get("steps").getAsInt();
        if (o.has("window")) c.window = o.get("window").getAsInt();
        if (o.has("dt")) c.dt = o.get("dt").getAsFloat();
        if (o.has("gain")) c.gain = o.get("gain").getAsFloat();
        c.trainGain = o.has("train_gain") && o.get("train_gain").getAsBoolean();
        if (o.has("bounded_current")) c.boundedCurrent = o.get("bounded_current").getAsBoolean();
        if (o.has("bias_init")) c.biasInit = o.get("bias_init").getAsFloat();
        if (o.has("degree")) c.degree = o.get("degree").getAsInt();
        if (o.has("readout")) c.readout = parseReadout(o.get("readout").getAsString());
        if (o.has("dense_out")) c.denseOut = o.get("dense_out").getAsInt();
        if (o.has("out_activation")) c.outActivation = UnaryOp.parse(o.get("out_activation").getAsString());
        if (o.has("train_conductances")) c.trainConductances = o.get("train_conductances").getAsBoolean();
        if (o.has("inhibition")) c.inhibition = o.get("inhibition").getAsFloat();
        if (o.has("feedback")) c.feedback = o.get("feedback").getAsFloat();
        if (o.has("hebbian_rate")) c.hebbianRate = o.get("hebbian_rate").getAsFloat();
        if (o.has("hebbian_channels")) c.hebbianChannels = Models.intArray(o.get("hebbian_channels"));
        if (o.has("v_threshold")) c.vThreshold = o.get("v_threshold").getAsFloat();
        if (o.has("spike_surrogate")) c.spikeSurrogate = o.get("spike_surrogate").getAsBoolean();
        if (o.has("refractory_ms")) c.refractoryMs = o.get("refractory_ms").getAsFloat();
        if (o.has("c_m")) c.cm = o.get("c_m").getAsFloat();
        if (o.has("e_na")) c.eNa = o.get("e_na").getAsFloat();
        if (o.has("e_k")) c.eK = o.get("e_k").getAsFloat();
        if (o.has("e_l")) c.eL = o.get("e_l").getAsFloat();
        if (o.has("g_na")) c.gNa = o.get("g_na").getAsFloat();
        if (o.has("g_k")) c.gK = o.get("g_k").getAsFloat();
        if (o.has("g_l")) c.gL = o.get("g_l").getAsFloat();
        if (o.has("v_rest")) c.vRest = o.get("v_rest").getAsFloat();
        if (o.has("steps_per_token")) c.stepsPerToken = o.get("steps_per_token").getAsInt();
        if (o.has("token_readout")) c.tokenReadout = parseTokenReadout(o.get("token_readout").getAsString());
        return c;
    }

    public static HHLayer.TokenReadout parseTokenReadout(String s) {
        for (HHLayer.TokenReadout r : HHLayer.TokenReadout.values()) if (r.name().equalsIgnoreCase(s)) return r;
        throw new IllegalArgumentException("unknown HH token_readout '" + s + "' (expected last or mean)");
    }

    public static HHLayer.Readout parseReadout(String s) {
        for (HHLayer.Readout r : HHLayer.Readout.values()) if (r.name().equalsIgnoreCase(s)) return r;
        throw new IllegalArgumentException("unknown HH readout '" + s + "' (expected neuron, dense, rate or rate25)");
    }
}
