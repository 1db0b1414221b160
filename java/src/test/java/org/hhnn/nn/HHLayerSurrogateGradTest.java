package org.hhnn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The HH layer's gradient through its spike rates, in float64: lateral inhibition and feedback driven by the rate R
 * of the previous window, whose gradient is the spike surrogate's. A hard spike count is piecewise constant, so
 * finite differences cannot see that path; on {@link SmoothSpikes#backend()} the forward counts with the surrogate too
 * (ŝ), the loss is smooth, and the tape's gradient must match central differences over every parameter (the check of
 * {@link HHLayerTest#gradError}, pass bound {@value #PASS}). Negative controls: a twin with 20% weaker inhibition and one
 * with 20% weaker feedback must fail it by at least 10x, as must the rate readout with the surrogate path cut in the
 * backward (spikeSurrogate off).
 */
class HHLayerSurrogateGradTest {
    /** Measured: 2e-8 (neuron), 1e-7 (dense), up to 7.7e-6 (rate, rate25: the output is ŝ itself). */
    static final double PASS = 3e-5;
    static final Backend SMOOTH = SmoothSpikes.backend();
    final long seed = org.hhnn.TestSeeds.fresh();

    /** HHLayerTest's coupled layer (inhibition 0.5, feedback 0.3, trainable conductances, tanh) with the surrogate on. */
    static HHConfig coupled(HHLayer.Readout readout) {
        HHConfig c = HHLayerTest.coupled();
        c.spikeSurrogate = true;
        c.readout = readout;
        return c;
    }

    private double error(HHConfig analytic, HHConfig fd) {
        HHLayer layer = new HHLayer(SMOOTH, analytic, new SplittableRandom(seed)), twin = new HHLayer(SMOOTH, fd, new SplittableRandom(seed));
        Tensor x = HHLayerTest.input(SMOOTH, 2, 3, seed);
        return HHLayerTest.gradError(layer, twin, x, seed);
    }

    /** Legendre readouts (feedback from the readout F), the rate readout (feedback from R itself), and rate25 (steps above threshold). */
    @Test void gradientThroughSurrogateDrivenInhibitionAndFeedback() {
        for (HHLayer.Readout readout : new HHLayer.Readout[] {HHLayer.Readout.NEURON, HHLayer.Readout.DENSE, HHLayer.Readout.RATE, HHLayer.Readout.RATE25}) {
            double err = error(coupled(readout), coupled(readout));
            System.out.println("HHLayerSurrogateGradTest: " + readout + " relative error " + err + " (seed " + seed + ")");
            assertTrue(err < PASS, readout + ": HH layer gradient through the surrogate rates, relative error " + err + " (seed " + seed + ")");
        }
    }

    @Test void negativeControlsFailByTenTimesThePassBound() {
        for (HHLayer.Readout readout : new HHLayer.Readout[] {HHLayer.Readout.NEURON, HHLayer.Readout.RATE}) {
            HHConfig weakerInhibition = coupled(readout), weakerFeedback = coupled(readout), cut = coupled(readout);
            weakerInhibition.inhibition *= 0.8f;
            weakerFeedback.feedback *= 0.8f;
            cut.spikeSurrogate = false;   // same forward values, no gradient through R
            double inh = error(coupled(readout), weakerInhibition);
            double fb = error(coupled(readout), weakerFeedback);
            double noSurrogate = error(cut, coupled(readout));
            String tag = readout + " (seed " + seed + "): ";
            System.out.println("HHLayerSurrogateGradTest: " + tag + "wrong twins' relative errors: inhibition " + inh + ", feedback " + fb
                    + ", surrogate path cut " + noSurrogate);
            assertTrue(inh > 10 * PASS, tag + "a 20% weaker inhibition went unnoticed: relative error " + inh);
            assertTrue(fb > 10 * PASS, tag + "a 20% weaker feedback went unnoticed: relative error " + fb);
            // With a Legendre readout the spike path is only inhibition's share of the gradient (measured 2e-4 cut):
            // the rate readout, whose output is the spike rate, is where cutting it must fail by far.
            if (readout == HHLayer.Readout.RATE)
                assertTrue(noSurrogate > 10 * PASS, tag + "a backward without the surrogate path went unnoticed: relative error " + noSurrogate);
            else assertTrue(noSurrogate > PASS, tag + "a backward without the surrogate path passed: relative error " + noSurrogate);
        }
    }
}
