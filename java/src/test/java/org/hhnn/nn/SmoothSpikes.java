package org.hhnn.nn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.ReferenceBackend;

/**
 * For gradient checks only: the float64 reference backend whose {@code hhForward} returns, in place of the spike
 * count, the smooth count ŝ whose gradient {@code hhBackward} gives for dSpikes (DESIGN.md § HH layer: "spikes in the
 * window ... with a differentiable surrogate for training"; the formula is {@link Backend#hhBackward}'s):
 * ŝ = Σ_{t=1..w} σ((V_t − vTh)/κ)·(1 − σ((V_{t−1} − vTh)/κ)) for crossings, Σ_{t=1..w} σ((V_t − vTh)/κ) with
 * {@link HhSpec#countAbove()}. Everything else is the reference's. The surrogate is then used in the forward too, so
 * the loss is smooth and finite differences check the whole gradient path through the rates: lateral inhibition,
 * feedback from a rate readout, the rate output. The primitive's ŝ gradient itself is checked in
 * ReferenceHhGradCheckTest.
 */
final class SmoothSpikes {
    private SmoothSpikes() {}

    static final ReferenceBackend F64 = ReferenceBackend.f64();

    /** The reference float64 backend with smooth spike counts. */
    static Backend backend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(F64, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("hhForward")) {
                F64.uploadDouble(smoothCount((HhSpec) args[0], (Buffer) args[1], (Buffer) args[2], (Buffer) args[3],
                        (int) args[7], (int) args[8]), (Buffer) args[6]);
            }
            return result;
        });
    }

    /** ŝ per (b, j) for one window from {@code state}: the voltages from one-step windows chained (bit-identical in float64). */
    static double[] smoothCount(HhSpec sp, Buffer state, Buffer current, Buffer cond, int batch, int neurons) {
        int bm = batch * neurons;
        HhSpec one = sp.withSteps(1);
        Buffer s = F64.alloc(4L * bm), out = F64.alloc(4L * bm), basis = F64.alloc((long) bm * (sp.degree() + 1)), spk = F64.alloc(bm);
        F64.copy(state, 0, s, 0, 4L * bm);
        double[] sHat = new double[bm], prev = new double[bm];
        double[] start = F64.downloadDouble(state);
        for (int i = 0; i < bm; i++) prev[i] = start[4 * i];
        for (int t = 1; t <= sp.steps(); t++) {
            F64.hhForward(one, s, current, cond, out, basis, spk, batch, neurons);
            double[] o = F64.downloadDouble(out);
            for (int i = 0; i < bm; i++) {
                double v = o[4 * i], up = sigmoid((v - sp.vTh()) / sp.surrogateWidth());
                sHat[i] += sp.countAbove() ? up : up * (1 - sigmoid((prev[i] - sp.vTh()) / sp.surrogateWidth()));
                prev[i] = v;
            }
            F64.copy(out, 0, s, 0, 4L * bm);
        }
        for (Buffer b : new Buffer[] {s, out, basis, spk}) F64.free(b);
        return sHat;
    }

    private static double sigmoid(double u) { return 1 / (1 + Math.exp(-u)); }
}
