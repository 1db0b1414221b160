package org.hhnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.hhnn.autograd.GradCheck;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The HH layer as a whole on the float64 reference: its gradient across several windows with lateral
 * inhibition and feedback on, against central differences; stacking; Hebbian plasticity on a
 * hand-computed case; and memory that grows with the number of windows, not of steps.
 */
class HHLayerTest {
    static final ReferenceBackend F64 = ReferenceBackend.f64();
    final long seed = org.hhnn.TestSeeds.fresh();

    static HHConfig small(int in) {
        HHConfig c = new HHConfig();
        c.inFeatures = in;
        c.neurons = 4;
        c.steps = 400;     // 10 ms: each neuron spikes about once, so inhibition has something to act on
        c.window = 100;
        c.degree = 3;
        c.gain = 20f;
        return c;
    }

    /** Max relative error between the tape gradient of L = Σ R ⊙ layer(x) and central differences, over every parameter. */
    static double gradError(Module layer, Tensor x, long seed) {
        return gradError(layer, layer, x, seed);
    }

    /**
     * The same with the finite differences taken on {@code fdLayer} (same parameter names): a negative control
     * passes a layer that differs from {@code layer} in one coupling, which a faithful check must report.
     */
    static double gradError(Module layer, Module fdLayer, Tensor x, long seed) {
        // Loss weights from another kind of generator than input()'s java.util.Random(seed): independent of x.
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r;
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            Tensor y = layer.forward(x);
            r = new double[(int) y.size()];
        }
        for (int i = 0; i < r.length; i++) r[i] = rng.nextDouble() * 2 - 1;
        try (Scope s = Scope.open()) {
            Tape.backward(loss(layer, x, r));
        }
        double worst = 0;
        int[] nonSmooth = {0}, checked = {0};
        Map<String, Tensor> fdParams = fdLayer.namedParameters();
        for (Map.Entry<String, Tensor> e : layer.namedParameters().entrySet()) {
            Tensor p = fdParams.get(e.getKey());
            Tensor grad = e.getValue().grad();
            double[] v = F64.downloadDouble(p.buffer());
            // a parameter the loss does not reach gets no gradient tensor: its gradient is 0
            double[] analytic = grad == null ? new double[v.length] : F64.downloadDouble(grad.buffer());
            double num2 = 0, den2 = 0;
            for (int i = 0; i < v.length; i++) {
                double h = 1e-6 * Math.max(1, Math.abs(v[i]));
                double fd = GradCheck.central(v, i, h, p.buffer(), () -> value(fdLayer, x, r)),
                        fdFine = GradCheck.central(v, i, h / 4, p.buffer(), () -> value(fdLayer, x, r));
                // A spike-count change or the readout clamp's kink inside ±h makes the loss non-smooth there:
                // the two step sizes then disagree, and such a point says nothing about the backward.
                if (Math.abs(fd - fdFine) > 1e-4 * (Math.abs(fd) + Math.abs(fdFine)) + 1e-9) {
                    nonSmooth[0]++;
                    continue;
                }
                checked[0]++;
                // Only the part of the discrepancy that the finite difference's own noise (its two step sizes'
                // disagreement) cannot explain counts: gradients of ~1e-5 (a neuron that barely responds) have FD
                // noise of ~1e-9, i.e. 1e-4 relative, which a real backward error of any size would exceed.
                double excess = Math.max(0, Math.abs(fd - analytic[i]) - 3 * Math.abs(fd - fdFine));
                num2 += excess * excess;
                den2 += fd * fd;
            }
            double rel = Math.sqrt(num2) / Math.max(Math.sqrt(den2), 1e-12);
            assertTrue(Double.isFinite(rel), e.getKey());
            worst = Math.max(worst, rel);
        }
        assertTrue(nonSmooth[0] * 10 <= checked[0] + nonSmooth[0],
                nonSmooth[0] + " of " + (checked[0] + nonSmooth[0]) + " finite differences hit a non-smooth point (seed " + seed + ")");
        return worst;
    }

    static Tensor loss(Module layer, Tensor x, double[] r) {
        Tensor y = layer.forward(x);
        Tensor w = Tensor.zeros(F64, y.shape());
        F64.uploadDouble(r, w.buffer());
        return Ops.sum(Ops.mul(y, w));
    }

    static double value(Module layer, Tensor x, double[] r) {
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            return F64.downloadDouble(loss(layer, x, r).buffer())[0];
        }
    }

    static Tensor input(int b, int n, long seed) { return input(F64, b, n, seed); }

    /** The same input on {@code backend} (a float64 reference one), so the layer's ops run there. */
    static Tensor input(org.hhnn.backend.Backend backend, int b, int n, long seed) {
        Random rng = new Random(seed);
        double[] x = new double[b * n];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        Tensor t = Tensor.persistentZeros(backend, b, n);
        F64.uploadDouble(x, t.buffer());
        return t;
    }

    /** c with inhibition 0.5, feedback 0.3, trainable conductances and a tanh readout: every path across windows on. */
    static HHConfig coupling(HHConfig c) {
        c.inhibition = 0.5f;
        c.feedback = 0.3f;
        c.trainConductances = true;
        c.outActivation = org.hhnn.backend.UnaryOp.TANH;
        return c;
    }

    /** Three inputs, inhibition and feedback across windows, trainable conductances, a tanh readout. */
    static HHConfig coupled() {
        HHConfig c = coupling(small(3));
        // Spike counts are piecewise constant: finite differences see them as constants, so the
        // check runs with the surrogate off (its gradient is checked at the primitive level).
        c.spikeSurrogate = false;
        return c;
    }

    @Test void gradientAcrossWindowsWithInhibitionAndFeedback() {
        HHConfig c = coupled();
        HHLayer layer = new HHLayer(F64, c, new SplittableRandom(seed));
        Tensor x = input(2, 3, seed);
        double err = gradError(layer, x, seed);
        assertTrue(err < 1e-5, "HH layer gradient relative error " + err + " (seed " + seed + ")");
        // the inhibition path is live: the same currents make neurons spike within the run
        c.readout = HHLayer.Readout.RATE;
        HHLayer rates = new HHLayer(F64, c, new SplittableRandom(seed));
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            double total = 0;
            for (double v : F64.downloadDouble(rates.forward(x).buffer())) total += v;
            assertTrue(total > 0, "no neuron spiked: the check would not exercise inhibition");
        }
    }

    /**
     * Negative control of the check above: the tape gradient of the layer against finite differences of a twin whose
     * inhibition (then feedback) is 20% weaker. A check that passed this would not see a backward that got the
     * coupling wrong.
     */
    @Test void gradientCheckCatchesAWrongInhibitionOrFeedbackCoupling() {
        Tensor x = input(2, 3, seed);
        for (String coupling : new String[] {"inhibition", "feedback"}) {
            HHConfig wrong = coupled();
            if (coupling.equals("inhibition")) wrong.inhibition *= 0.8f;
            else wrong.feedback *= 0.8f;
            HHLayer layer = new HHLayer(F64, coupled(), new SplittableRandom(seed)), twin = new HHLayer(F64, wrong, new SplittableRandom(seed));
            double err = gradError(layer, twin, x, seed);
            // The check above passes below 1e-5; the wrong twin must fail it by a clear margin (10x). How far above
            // depends on how many neurons the random input makes spike (seed 8581663227883 gave 9.6e-4).
            assertTrue(err > 1e-4, "a 20% weaker " + coupling + " went unnoticed: gradient relative error " + err + " (seed " + seed + ")");
        }
    }

    @Test void denseReadoutAndStackedLayersGradient() {
        HHConfig a = small(3), b = small(4);
        a.readout = HHLayer.Readout.DENSE;
        a.denseOut = 4;
        a.spikeSurrogate = false;
        b.spikeSurrogate = false;
        b.steps = 200;
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential net = new Sequential(new HHLayer(F64, a, rng), new HHLayer(F64, b, rng));
        double err = gradError(net, input(2, 3, seed + 1), seed);
        assertTrue(err < 1e-5, "stacked HH layers gradient relative error " + err + " (seed " + seed + ")");
    }

    /**
     * rate25 (paper 2.5) with inhibition and feedback fed by the previous window's R, stacked under a Legendre layer.
     * With the surrogate off the steps above threshold are constants, so R is too: the check covers the graph of the
     * mode (R as the next layer's input) and the rate layer's zero gradient; the formula's own gradient is checked
     * in {@link #rate25FormulaGradient}.
     */
    @Test void rate25GradientWithSurrogateOff() {
        HHConfig a = small(3), b = small(4);
        a.readout = HHLayer.Readout.RATE25;
        a.inhibition = 0.5f;
        a.feedback = 0.3f;
        a.trainConductances = true;
        a.spikeSurrogate = false;
        b.spikeSurrogate = false;
        b.steps = 200;
        SplittableRandom rng = new SplittableRandom(seed);
        HHLayer rate = new HHLayer(F64, a, rng);
        Sequential net = new Sequential(rate, new HHLayer(F64, b, rng));
        Tensor x = input(2, 3, seed + 2);
        double err = gradError(net, x, seed);
        assertTrue(err < 1e-5, "rate25 layer under a Legendre layer: gradient relative error " + err + " (seed " + seed + ")");
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            double[] r = F64.downloadDouble(rate.forward(x).buffer());
            boolean differs = false;
            for (double v : r) {
                assertTrue(v > 1 / (a.refractoryMs + a.steps * a.dt) - 1e-12 && v <= 1 / a.refractoryMs, "R out of range: " + v);
                differs |= v < 1 / a.refractoryMs;
            }
            assertTrue(differs, "no neuron went above threshold: R would not depend on the input");
        }
    }

    /** With the surrogate on, rate25's gradient reaches the input weights through Σ_t σ((V_t − vTh)/κ): finite, not all zero. */
    @Test void rate25SurrogateGradientReachesWeights() {
        HHConfig a = small(3);
        a.readout = HHLayer.Readout.RATE25;
        a.inhibition = 0.5f;
        HHLayer layer = new HHLayer(F64, a, new SplittableRandom(seed));
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.sum(layer.forward(input(2, 3, seed))));
        }
        double norm = 0;
        for (double v : F64.downloadDouble(layer.namedParameters().get("weight").grad().buffer())) {
            assertTrue(Double.isFinite(v), "weight gradient " + v);
            norm += v * v;
        }
        assertTrue(norm > 0, "rate25 with the surrogate on passes no gradient to the weights (seed " + seed + ")");
    }

    /** dR/dc of R = 1/(T_ref + dt·c), as HHLayer computes it, against the closed form and central differences (float64). */
    @Test void rate25FormulaGradient() {
        Random rng = new Random(seed);
        int n = 6;
        double[] c = new double[n], r = new double[n];
        for (int i = 0; i < n; i++) { c[i] = 60 * rng.nextDouble(); r[i] = rng.nextDouble() * 2 - 1; }
        float dt = 0.025f, tRef = 2f;
        Tensor above = Tensor.persistentZeros(F64, 2, 3).setRequiresGrad(true);
        F64.uploadDouble(c, above.buffer());
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.zeros(F64, 2, 3);
            F64.uploadDouble(r, w.buffer());
            Tape.backward(Ops.sum(Ops.mul(HHLayer.rate25(F64, above, dt, tRef), w)));
        }
        double[] g = F64.downloadDouble(above.grad().buffer());
        for (int i = 0; i < n; i++) {
            double z = tRef + (double) dt * c[i];
            assertEquals(-r[i] * dt / (z * z), g[i], 1e-12, "closed form at c = " + c[i]);
            double h = 1e-5;
            double fd = r[i] * (1 / (tRef + (double) dt * (c[i] + h)) - 1 / (tRef + (double) dt * (c[i] - h))) / (2 * h);
            assertEquals(fd, g[i], 1e-9, "central difference at c = " + c[i]);
        }
    }

    /**
     * Hand-checked values of rate25: a neuron never above threshold gives R = 1/T_ref, one above it at every step of
     * the run R = 1/(T_ref + T·dt), and one above it for k steps R = 1/(T_ref + k·dt), with k counted here from a
     * step-by-step simulation of the same current (x = 0, so I = gain·σ(bias) for every neuron).
     */
    @Test void rate25HandCheckedValues() {
        HHConfig c = small(3);
        c.readout = HHLayer.Readout.RATE25;
        c.biasInit = 1f;
        c.refractoryMs = 1.5f;
        Tensor x = Tensor.persistentZeros(F64, 2, 3);
        double i = c.gain / (1 + Math.exp(-c.biasInit));
        float[] thresholds = {100f, -100f, 0f};
        for (float vTh : thresholds) {
            c.vThreshold = vTh;
            int k = aboveSteps(i, c.steps, vTh);
            if (vTh == 100f) assertEquals(0, k);
            if (vTh == -100f) assertEquals(c.steps, k);
            if (vTh == 0f) assertTrue(k > 0 && k < c.steps / 2, "a spiking neuron spends a little of the run above 0 mV: " + k);
            HHLayer layer = new HHLayer(F64, c, new SplittableRandom(seed));
            try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
                double[] r = F64.downloadDouble(layer.forward(x).buffer());
                double want = 1 / (1.5 + k * 0.025);
                for (double v : r) assertEquals(want, v, 1e-6 * want, "vTh " + vTh + ", " + k + " steps above");
            }
        }
        // the config round trip keeps the mode and T_ref; --set readout=rate25 parses
        HHConfig back = HHConfig.fromJson(c.toJson());
        assertEquals(HHLayer.Readout.RATE25, back.readout);
        assertEquals(1.5f, back.refractoryMs);
        assertEquals(HHLayer.Readout.RATE25, HHConfig.parseReadout("rate25"));
        assertEquals(2f, new HHConfig().refractoryMs);
    }

    /** Steps t in 1..T with V_t ≥ vTh for a constant current from rest, one float64 reference step at a time. */
    static int aboveSteps(double current, int steps, float vTh) {
        org.hhnn.backend.HhSpec one = org.hhnn.backend.HhSpec.defaults(1, 0);
        org.hhnn.backend.Buffer s = F64.alloc(4), out = F64.alloc(4), bs = F64.alloc(1), sp = F64.alloc(1), cur = F64.alloc(1);
        float[] rest = HHLayer.restStateValues();
        F64.upload(rest, s);
        F64.uploadDouble(new double[] {current}, cur);
        int k = 0;
        for (int t = 0; t < steps; t++) {
            F64.hhForward(one, s, cur, null, out, bs, sp, 1, 1);
            double v = F64.downloadDouble(out)[0];
            if (v >= vTh) k++;
            F64.copy(out, 0, s, 0, 4);
        }
        return k;
    }

    @Test void hebbianUpdateMatchesHandComputation() {
        // two samples, one neuron: V_end = −55 and −70 mV, 3 and 1 spikes over a 10 ms run
        float[] state = {-55f, 0, 0, 0, -70f, 0, 0, 0};
        float[] spikes = {3f, 1f};
        float perMs = 1f / 10f, gamma = 0.01f;
        // Δg = γ · mean((V − V_rest) · R) = 0.01 · ((10 · 0.3) + (−5 · 0.1)) / 2 = 0.0125
        float[] d = HHLayer.hebbianDelta(state, spikes, 2, 1, perMs, gamma);
        assertEquals(0.0125f, d[0], 1e-7f);
        // the sign follows depolarisation: below rest with activity lowers the conductance
        assertTrue(HHLayer.hebbianDelta(new float[] {-75f, 0, 0, 0}, new float[] {2f}, 1, 1, perMs, gamma)[0] < 0);
    }

    @Test void hebbianAppliesToChosenChannelOnlyInTraining() {
        HHConfig c = small(3);
        c.hebbianRate = 0.05f;
        c.hebbianChannels = new int[] {2};
        ReferenceBackend be = ReferenceBackend.get();
        HHLayer layer = new HHLayer(be, c, new SplittableRandom(seed));
        Tensor x = Tensor.persistentOf(be, new float[] {2, 2, 2, 1, 1, 1}, 2, 3);
        float[] before = layer.conductances().toArray();
        layer.eval();
        try (Scope s = Scope.open()) { layer.forward(x); }
        assertArrayEquals(before, layer.conductances().toArray(), "eval mode must not change conductances");
        layer.train(true);
        try (Scope s = Scope.open()) { layer.forward(x); }
        assertArrayEquals(before, layer.conductances().toArray(), "the training forward only records the change");
        layer.constrain();   // what Trainer.step does after the optimiser step
        float[] after = layer.conductances().toArray();
        boolean leakChanged = false;
        for (int j = 0; j < c.neurons; j++) {
            assertEquals(before[3 * j], after[3 * j], "g_Na must not change");
            assertEquals(before[3 * j + 1], after[3 * j + 1], "g_K must not change");
            leakChanged |= before[3 * j + 2] != after[3 * j + 2];
        }
        assertTrue(leakChanged, "the leak conductance of at least one active neuron changes");
    }

    /**
     * The Hebbian change waits for the step: the backward pass recomputes each window from the conductances, so with
     * the change applied between forward and backward the gradient would belong to a run the forward never made. The
     * same layer with Hebbian plasticity off (conductances equal at the start) must get the same gradient; then
     * constrain() (called by the trainer after the optimiser step) changes the conductances.
     */
    @Test void hebbianIsAppliedAfterTheStepSoTheBackwardSeesTheForwardRun() {
        HHConfig off = small(3), on = small(3);
        on.hebbianRate = 0.5f;   // large: one update moves every conductance of an active neuron visibly
        on.hebbianChannels = new int[] {0, 1, 2};
        HHLayer plain = new HHLayer(F64, off, new SplittableRandom(seed));
        HHLayer hebb = new HHLayer(F64, on, new SplittableRandom(seed));
        plain.train(true);
        hebb.train(true);
        Tensor x = input(2, 3, seed);
        float[] start = hebb.conductances().toArray();
        double[] gPlain = weightGradient(plain, x), gHebb = weightGradient(hebb, x);
        double norm = 0, diff = 0;
        for (int i = 0; i < gPlain.length; i++) {
            norm = Math.max(norm, Math.abs(gPlain[i]));
            diff = Math.max(diff, Math.abs(gPlain[i] - gHebb[i]));
        }
        assertTrue(norm > 0, "no gradient reaches the weights (seed " + seed + ")");
        assertTrue(diff <= 1e-12 * norm, "with Hebbian plasticity on, the weight gradient differs from the plain layer's by "
                + diff + " (max |g| " + norm + "): the backward pass ran with other conductances (seed " + seed + ")");
        assertArrayEquals(start, hebb.conductances().toArray(), "forward and backward must leave the conductances as they were");
        hebb.constrain();
        float[] after = hebb.conductances().toArray();
        boolean changed = false;
        for (int i = 0; i < after.length; i++) changed |= after[i] != start[i];
        assertTrue(changed, "constrain() after the step applies the Hebbian change (seed " + seed + ")");
    }

    private static double[] weightGradient(HHLayer layer, Tensor x) {
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.sum(layer.forward(x)));
        }
        return F64.downloadDouble(layer.namedParameters().get("weight").grad().buffer());
    }

    /** After an optimiser step the trained conductances are projected onto g ≥ 0, through a containing module too. */
    @Test void trainedConductancesAreKeptNonNegative() {
        HHConfig c = small(3);
        c.trainConductances = true;
        ReferenceBackend be = ReferenceBackend.get();
        HHLayer layer = new HHLayer(be, c, new SplittableRandom(seed));
        Module net = new Sequential().add(layer);
        float[] g = layer.conductances().toArray();
        g[0] = -3f;     // g_Na of neuron 0
        g[5] = -0.1f;   // g_L of neuron 1
        be.upload(g, layer.conductances().buffer());
        net.constrain();
        float[] after = layer.conductances().toArray();
        for (int i = 0; i < g.length; i++) assertEquals(Math.max(0f, g[i]), after[i], "conductance " + i);
    }

    /** Saved activations: one set per window, none per step; doubling w at fixed T halves them. */
    @Test void memoryGrowsWithWindowsNotSteps() {
        ReferenceBackend be = ReferenceBackend.get();
        long[] floats = new long[3];
        int[][] tw = {{400, 100}, {1600, 100}, {1600, 400}};
        for (int i = 0; i < 3; i++) {
            HHConfig c = small(3);
            c.steps = tw[i][0];
            c.window = tw[i][1];
            HHLayer layer = new HHLayer(be, c, new SplittableRandom(1));
            Tensor x = Tensor.persistentOf(be, new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, 2, 3);
            try (Scope s = Scope.open()) {
                layer.forward(x);
                floats[i] = s.floats();
            }
        }
        // T/w = 4, 16, 4: memory follows T/w (same for 400/100 and 1600/400) ...
        assertEquals(floats[0], floats[2], "same T/w, same memory");
        // ... and 4x the windows costs about 4x (not more: nothing per step)
        double ratio = (double) floats[1] / floats[0];
        assertTrue(ratio > 2.5 && ratio < 4.5, "16 vs 4 windows: memory ratio " + ratio);
    }
}
