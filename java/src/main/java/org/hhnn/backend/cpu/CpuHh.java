package org.hhnn.backend.cpu;

import static org.hhnn.backend.cpu.CpuBackend.addr;
import static org.hhnn.backend.cpu.CpuBackend.nonNegative;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;

/**
 * The cpu backend's HH window ({@link org.hhnn.backend.Backend#hhForward}, {@code hhBackward}): validates every
 * argument, then calls {@code native/cpu_hh.cpp} (math in {@code kernels/hh.cuh}). Twin: ReferenceHh.
 * Tested by HhParityTest.
 */
final class CpuHh {
    private CpuHh() {}

    // params = HhSpec.pack(): the order kernels/hh.cuh's HhParams reads.
    private static native void hhForward(float[] params, long state, long current, long cond,
                                         long stateOut, long basisSum, long spikes, int batch, int neurons);

    // dStateOut, dBasisSum, dSpikes, dCond may be 0 (= null); cond is 0 for the spec's defaults.
    private static native void hhBackward(float[] params, long state, long current, long cond,
                                          long dStateOut, long dBasisSum, long dSpikes,
                                          long dState, long dCurrent, long dCond, int batch, int neurons);

    static void forward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                        Buffer stateOut, Buffer basisSum, Buffer spikes, int batch, int neurons) {
        String p = "hhForward";
        Shape s = new Shape(p, spec, batch, neurons);
        hhForward(spec.pack(), s.state(state), s.current(current), s.cond(cond),
                addr(p, "stateOut", stateOut, s.bm * 4, "batch*neurons*4"),
                addr(p, "basisSum", basisSum, s.bm * s.k, "batch*neurons*(degree+1)"),
                addr(p, "spikes", spikes, s.bm, "batch*neurons"), batch, neurons);
    }

    static void backward(HhSpec spec, Buffer state, Buffer current, Buffer cond,
                         Buffer dStateOut, Buffer dBasisSum, Buffer dSpikes,
                         Buffer dState, Buffer dCurrent, Buffer dCond, int batch, int neurons) {
        String p = "hhBackward";
        Shape s = new Shape(p, spec, batch, neurons);
        if (dCond != null && cond == null)
            throw new IllegalArgumentException(p + ": dCond was given but cond is null "
                    + "(there is no gradient with respect to the spec's default conductances)");
        hhBackward(spec.pack(), s.state(state), s.current(current), s.cond(cond),
                dStateOut == null ? 0L : addr(p, "dStateOut", dStateOut, s.bm * 4, "batch*neurons*4"),
                dBasisSum == null ? 0L : addr(p, "dBasisSum", dBasisSum, s.bm * s.k, "batch*neurons*(degree+1)"),
                dSpikes == null ? 0L : addr(p, "dSpikes", dSpikes, s.bm, "batch*neurons"),
                addr(p, "dState", dState, s.bm * 4, "batch*neurons*4"),
                addr(p, "dCurrent", dCurrent, s.bm, "batch*neurons"),
                dCond == null ? 0L : addr(p, "dCond", dCond, 3L * neurons, "neurons*3"), batch, neurons);
    }

    /** The checked shape of one call and the address checks of the inputs both directions share. */
    private static final class Shape {
        final String p;
        final long bm, k;
        final int neurons;

        Shape(String p, HhSpec spec, int batch, int neurons) {
            if (spec == null) throw new IllegalArgumentException(p + ": spec is null");
            nonNegative(p, "batch", batch);
            nonNegative(p, "neurons", neurons);
            this.p = p;
            this.bm = (long) batch * neurons;
            this.k = spec.degree() + 1;
            this.neurons = neurons;
        }

        long state(Buffer b) { return addr(p, "state", b, bm * 4, "batch*neurons*4"); }

        long current(Buffer b) { return addr(p, "current", b, bm, "batch*neurons"); }

        long cond(Buffer b) { return b == null ? 0L : addr(p, "cond", b, 3L * neurons, "neurons*3"); }
    }
}
