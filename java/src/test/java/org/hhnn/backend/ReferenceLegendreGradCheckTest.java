package org.hhnn.backend;

import static org.hhnn.backend.ReferenceHhGradCheckTest.TOL;
import static org.hhnn.backend.ReferenceHhGradCheckTest.assertGrad;
import static org.hhnn.backend.ReferenceHhGradCheckTest.buf;
import static org.hhnn.backend.ReferenceHhGradCheckTest.dot;
import static org.hhnn.backend.ReferenceHhGradCheckTest.numericGrad;
import static org.hhnn.backend.ReferenceHhGradCheckTest.uniform;
import static org.hhnn.backend.ReferenceHhGradCheckTest.worst;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference Legendre primitives (DESIGN.md § HH layer; paper 2.1/2.4): values against closed forms and
 * orthogonality, every gradient against finite differences in float64, and the clamp semantics of the contract
 * (x clamped to [−1, 1]; no gradient where |x| &gt; 1).
 */
class ReferenceLegendreGradCheckTest {

    static final ReferenceBackend RB = ReferenceBackend.f64();

    /** P_0..P_4 in closed form (paper 2.1). */
    static double closedForm(int k, double x) {
        switch (k) {
            case 0: return 1;
            case 1: return x;
            case 2: return (3 * x * x - 1) / 2;
            case 3: return (5 * x * x * x - 3 * x) / 2;
            case 4: return (35 * x * x * x * x - 30 * x * x + 3) / 8;
            default: throw new IllegalArgumentException("no closed form for " + k);
        }
    }

    /** P'_0..P'_4 in closed form. */
    static double closedFormSlope(int k, double x) {
        switch (k) {
            case 0: return 0;
            case 1: return 1;
            case 2: return 3 * x;
            case 3: return (15 * x * x - 3) / 2;
            case 4: return (35 * x * x * x - 15 * x) / 2;
            default: throw new IllegalArgumentException("no closed form for " + k);
        }
    }

    static final double[] POINTS = {-1, -0.9, -0.7, -0.3, -1e-9, 0, 0.25, 0.5, 0.6, 0.95, 1};

    @Test void valuesMatchClosedFormsAndClampOutside() {
        double[] x = {-1, -0.9, -0.7, -0.3, 0, 0.25, 0.6, 0.95, 1, 1.5, -2};
        Buffer basis = RB.alloc(x.length * 5);
        RB.legendreBasis(buf(x), basis, 1, x.length, 4);
        double[] p = RB.downloadDouble(basis);
        for (int i = 0; i < x.length; i++)
            for (int k = 0; k <= 4; k++)
                assertEquals(closedForm(k, Math.max(-1, Math.min(1, x[i]))), p[i * 5 + k], 1e-15, "P_" + k + "(" + x[i] + ")");
    }

    @Test void slopesMatchClosedFormsAndEndpointValues() {
        int degree = 32;
        for (double x : POINTS) {
            double[] dp = slopes(x, degree);
            for (int k = 0; k <= 4; k++) assertEquals(closedFormSlope(k, x), dp[k], 1e-14, "P'_" + k + "(" + x + ")");
        }
        for (int k = 0; k <= degree; k++) {
            double end = k * (k + 1) / 2.0;   // P'_k(1) = k(k+1)/2, P'_k(−1) = (−1)^{k+1} k(k+1)/2
            assertEquals(end, slopes(1, degree)[k], 1e-12 * Math.max(1, end), "P'_" + k + "(1)");
            assertEquals(k % 2 == 1 ? end : -end, slopes(-1, degree)[k], 1e-12 * Math.max(1, end), "P'_" + k + "(-1)");
            assertEquals(0, slopes(1 + 1e-12, degree)[k], 0.0, "no gradient just outside [-1, 1]");
            assertEquals(0, slopes(-3, degree)[k], 0.0, "no gradient outside [-1, 1]");
        }
    }

    /** P'_k(x) read off legendreBasisBackward with a one-hot dBasis. */
    static double[] slopes(double x, int degree) {
        double[] dp = new double[degree + 1];
        Buffer dx = RB.alloc(1);
        for (int k = 0; k <= degree; k++) {
            double[] oneHot = new double[degree + 1];
            oneHot[k] = 1;
            RB.legendreBasisBackward(buf(new double[] {x}), buf(oneHot), dx, 1, 1, degree);
            dp[k] = RB.downloadDouble(dx)[0];
        }
        return dp;
    }

    /** ∫_{−1}^{1} P_i P_j dx = 2/(2i+1)·δ_ij up to degree 32, by composite Simpson on 20000 intervals (error ~1e-9). */
    @Test void orthogonality() {
        int degree = 32, intervals = 20000;
        double[] x = new double[intervals + 1];
        for (int i = 0; i <= intervals; i++) x[i] = -1 + 2.0 * i / intervals;
        Buffer basis = RB.alloc((long) x.length * (degree + 1));
        RB.legendreBasis(buf(x), basis, x.length, 1, degree);
        double[] p = RB.downloadDouble(basis);
        double hx = 2.0 / intervals;
        for (int a = 0; a <= degree; a++)
            for (int b = a; b <= degree; b++) {
                double s = 0;
                for (int i = 0; i <= intervals; i++) {
                    double w = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
                    s += w * p[i * (degree + 1) + a] * p[i * (degree + 1) + b];
                }
                s *= hx / 3;
                assertEquals(a == b ? 2.0 / (2 * a + 1) : 0.0, s, 1e-8, "integral of P_" + a + " P_" + b);
            }
    }

    /** x inside (−1, 1) except the last column, which lies outside (both gradients must then be exactly 0). */
    static double[] inputs(Random r, int rows, int cols) {
        double[] x = uniform(r, rows * cols, -0.97, 0.97);
        for (int i = cols - 1; i < x.length; i += cols) x[i] = (r.nextBoolean() ? 1 : -1) * (1.05 + r.nextDouble());
        return x;
    }

    @Test void legendreForwardGradients() {
        for (int degree : new int[] {0, 3, 8, 32}) {
            int rows = 4, cols = 5, kk = degree + 1;
            Random r = new Random(100 + degree);
            double[] x = inputs(r, rows, cols), a = uniform(r, cols * kk, -1, 1), dy = uniform(r, rows * cols, -1, 1);
            Buffer dx = RB.alloc(rows * cols), dA = RB.alloc(cols * kk);
            RB.legendreBackward(buf(x), buf(a), buf(dy), dx, dA, rows, cols, degree);
            java.util.function.BiFunction<double[], double[], Double> loss = (xx, aa) -> {
                Buffer y = RB.alloc(rows * cols);
                RB.legendreForward(buf(xx), buf(aa), y, rows, cols, degree);
                return dot(dy, RB.downloadDouble(y));
            };
            double[] gx = RB.downloadDouble(dx);
            if (degree == 0) for (double v : gx) assertEquals(0.0, v, 0.0, "P_0 is constant");   // finite differences give only round-off
            else assertGrad("legendreForward dx, degree " + degree, gx, numericGrad(x.clone(), 0.01, xx -> loss.apply(xx, a)));
            assertGrad("legendreForward dCoeffs, degree " + degree, RB.downloadDouble(dA), numericGrad(a.clone(), 1, aa -> loss.apply(x, aa)));
            for (int i = cols - 1; i < x.length; i += cols) assertEquals(0.0, gx[i], 0.0, "dx where |x| > 1");
        }
    }

    @Test void legendreBasisGradient() {
        for (int degree : new int[] {1, 4, 32}) {
            int rows = 3, cols = 4, kk = degree + 1;
            Random r = new Random(200 + degree);
            double[] x = inputs(r, rows, cols), dB = uniform(r, rows * cols * kk, -1, 1);
            Buffer dx = RB.alloc(rows * cols);
            RB.legendreBasisBackward(buf(x), buf(dB), dx, rows, cols, degree);
            double[] n = numericGrad(x.clone(), 0.01, xx -> {
                Buffer basis = RB.alloc(rows * cols * kk);
                RB.legendreBasis(buf(xx), basis, rows, cols, degree);
                return dot(dB, RB.downloadDouble(basis));
            });
            double[] gx = RB.downloadDouble(dx);
            assertGrad("legendreBasis dx, degree " + degree, gx, n);
            for (int i = cols - 1; i < x.length; i += cols) assertEquals(0.0, gx[i], 0.0, "dx where |x| > 1");
        }
    }

    @Test void neuronReadoutGradients() {
        int batch = 3, neurons = 4, k = 6;
        Random r = new Random(300);
        double[] basis = uniform(r, batch * neurons * k, -40, 40), a = uniform(r, neurons * k, -1, 1), dy = uniform(r, batch * neurons, -1, 1);
        Buffer dBasis = RB.alloc(batch * neurons * k), dA = RB.alloc(neurons * k);
        RB.neuronReadoutBackward(buf(basis), buf(a), buf(dy), dBasis, dA, batch, neurons, k);
        java.util.function.BiFunction<double[], double[], Double> loss = (bb, aa) -> {
            Buffer y = RB.alloc(batch * neurons);
            RB.neuronReadout(buf(bb), buf(aa), y, batch, neurons, k);
            return dot(dy, RB.downloadDouble(y));
        };
        assertGrad("neuronReadout dBasis", RB.downloadDouble(dBasis), numericGrad(basis.clone(), 1, bb -> loss.apply(bb, a)));
        assertGrad("neuronReadout dCoeffs", RB.downloadDouble(dA), numericGrad(a.clone(), 1, aa -> loss.apply(basis, aa)));
        // dBasis and dCoeffs are each optional.
        RB.neuronReadoutBackward(buf(basis), buf(a), buf(dy), null, dA, batch, neurons, k);
        RB.neuronReadoutBackward(buf(basis), buf(a), buf(dy), dBasis, null, batch, neurons, k);
    }

    /** dCoeffs is accumulated (+=) by legendreBackward and neuronReadoutBackward. */
    @Test void coefficientGradientsAccumulate() {
        int rows = 3, cols = 2, degree = 3, kk = degree + 1;
        Random r = new Random(400);
        double[] x = inputs(r, rows, cols), a = uniform(r, cols * kk, -1, 1), dy = uniform(r, rows * cols, -1, 1);
        double[] start = uniform(r, cols * kk, 5, 6);
        Buffer dA = buf(start), dx = RB.alloc(rows * cols);
        RB.legendreBackward(buf(x), buf(a), buf(dy), dx, null, rows, cols, degree);   // dCoeffs optional
        Buffer fresh = RB.alloc(cols * kk);
        RB.legendreBackward(buf(x), buf(a), buf(dy), dx, fresh, rows, cols, degree);
        RB.legendreBackward(buf(x), buf(a), buf(dy), dx, dA, rows, cols, degree);
        double[] once = RB.downloadDouble(fresh), acc = RB.downloadDouble(dA);
        for (int i = 0; i < once.length; i++) assertEquals(start[i] + once[i], acc[i], 1e-13);

        Buffer dA2 = buf(start), fresh2 = RB.alloc(rows * kk);
        double[] basis = uniform(r, rows * cols * kk, -1, 1);
        RB.neuronReadoutBackward(buf(basis), buf(a), buf(dy), null, fresh2, rows, cols, kk);
        RB.neuronReadoutBackward(buf(basis), buf(a), buf(dy), null, dA2, rows, cols, kk);
        double[] once2 = RB.downloadDouble(fresh2), acc2 = RB.downloadDouble(dA2);
        for (int i = 0; i < cols * kk; i++) assertEquals(start[i] + once2[i], acc2[i], 1e-13);
    }

    /** The comparison is sharp: a 1% error in any entry of a Legendre gradient fails it. */
    @Test void negativeControlOnePercentErrorFails() {
        int rows = 2, cols = 3, degree = 5, kk = degree + 1;
        Random r = new Random(500);
        double[] x = uniform(r, rows * cols, -0.9, 0.9), a = uniform(r, cols * kk, -1, 1), dy = uniform(r, rows * cols, -1, 1);
        Buffer dx = RB.alloc(rows * cols);
        RB.legendreBackward(buf(x), buf(a), buf(dy), dx, null, rows, cols, degree);
        double[] n = numericGrad(x.clone(), 0.01, xx -> {
            Buffer y = RB.alloc(rows * cols);
            RB.legendreForward(buf(xx), buf(a), y, rows, cols, degree);
            return dot(dy, RB.downloadDouble(y));
        });
        double[] g = RB.downloadDouble(dx);
        assertTrue(worst(g, n) <= TOL, "unperturbed gradient must pass");
        for (int i = 0; i < g.length; i++) {
            double[] bad = g.clone();
            bad[i] *= 1.01;
            assertTrue(worst(bad, n) > TOL, "a 1% error at entry " + i + " must fail the comparison");
        }
    }

    /** Float32 mode stores rounded results: P_k(x) to within float32 rounding of the float64 value. */
    @Test void float32ModeRoundsOnlyOnStore() {
        ReferenceBackend f32 = ReferenceBackend.get();
        float[] x = {-0.8f, 0.1f, 0.7f};
        Buffer in = f32.alloc(3), out = f32.alloc(3 * 9);
        f32.upload(x, in);
        f32.legendreBasis(in, out, 1, 3, 8);
        float[] got = new float[27];
        f32.download(out, got);
        Buffer want64 = RB.alloc(27);
        RB.legendreBasis(buf(new double[] {x[0], x[1], x[2]}), want64, 1, 3, 8);
        double[] want = RB.downloadDouble(want64);
        for (int i = 0; i < 27; i++) assertEquals((float) want[i], got[i], 0f);
    }

    @Test void rejectsWrongShapesWithNamedMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RB.legendreForward(RB.alloc(6), RB.alloc(8), RB.alloc(6), 2, 3, 3));
        assertTrue(e.getMessage().contains("legendreForward") && e.getMessage().contains("coeffs") && e.getMessage().contains("12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.legendreBasis(RB.alloc(6), RB.alloc(23), 2, 3, 3));
        assertTrue(e.getMessage().contains("legendreBasis") && e.getMessage().contains("24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.legendreBasisBackward(RB.alloc(6), RB.alloc(24), null, 2, 3, 3));
        assertTrue(e.getMessage().contains("legendreBasisBackward") && e.getMessage().contains("dx"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.neuronReadout(RB.alloc(24), RB.alloc(12), RB.alloc(5), 2, 3, 4));
        assertTrue(e.getMessage().contains("neuronReadout") && e.getMessage().contains("y"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RB.legendreForward(RB.alloc(6), RB.alloc(8), RB.alloc(6), 2, 3, -1));
        assertTrue(e.getMessage().contains("degree"), e.getMessage());
    }
}
