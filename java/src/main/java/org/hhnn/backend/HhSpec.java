package org.hhnn.backend;

/**
 * Constants of one HH window (DESIGN.md § "HH layer: the exact model"): units mV, ms, µA/cm²,
 * mS/cm², µF/cm². {@code gNa, gK, gL} are the defaults used when a primitive gets no per-neuron
 * conductance buffer. {@code steps} is the window length w; {@code degree} the Legendre degree D
 * of the readout basis; {@code vTh} the spike threshold; {@code surrogateWidth} κ (mV) of the
 * spike-count surrogate (see {@link Backend#hhBackward}). {@code countAbove}: the {@code spikes} output counts the steps
 * with V_t ≥ vTh (time above threshold, for the paper's rate formula 2.5) instead of upward threshold crossings.
 */
public record HhSpec(int steps, float dt, int degree,
                     float cm, float eNa, float eK, float eL,
                     float gNa, float gK, float gL,
                     float vTh, float surrogateWidth, boolean countAbove) {

    /** The paper's squid-axon constants, dt = 0.025 ms, threshold 0 mV, κ = 2 mV; counting spikes (crossings). */
    public static HhSpec defaults(int steps, int degree) {
        return new HhSpec(steps, 0.025f, degree, 1f, 50f, -77f, -54.387f, 120f, 36f, 0.3f, 0f, 2f, false);
    }

    /** The same constants, counting spikes (false) or steps above threshold (true). */
    public HhSpec(int steps, float dt, int degree, float cm, float eNa, float eK, float eL,
                  float gNa, float gK, float gL, float vTh, float surrogateWidth) {
        this(steps, dt, degree, cm, eNa, eK, eL, gNa, gK, gL, vTh, surrogateWidth, false);
    }

    public HhSpec {
        if (steps < 1) throw new IllegalArgumentException("HH window must have at least 1 step, got " + steps);
        if (!(dt > 0) || !Float.isFinite(dt)) throw new IllegalArgumentException("HH dt must be a positive number of ms, got " + dt);
        if (degree < 0 || degree > 32) throw new IllegalArgumentException("Legendre degree must be in [0, 32], got " + degree);
        if (!(cm > 0)) throw new IllegalArgumentException("membrane capacitance must be > 0, got " + cm);
        if (!(surrogateWidth > 0)) throw new IllegalArgumentException("surrogate width must be > 0 mV, got " + surrogateWidth);
    }

    public HhSpec withSteps(int w) {
        return new HhSpec(w, dt, degree, cm, eNa, eK, eL, gNa, gK, gL, vTh, surrogateWidth, countAbove);
    }

    public HhSpec withCountAbove(boolean above) {
        return new HhSpec(steps, dt, degree, cm, eNa, eK, eL, gNa, gK, gL, vTh, surrogateWidth, above);
    }

    /** The thirteen scalars in the order native code reads them (kernels/hh.cuh HhParams); countAbove as 0 or 1. */
    public float[] pack() {
        return new float[] {steps, dt, degree, cm, eNa, eK, eL, gNa, gK, gL, vTh, surrogateWidth, countAbove ? 1f : 0f};
    }
}
