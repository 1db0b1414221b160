package org.hhnn.backend;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The Legendre primitives of one fast backend (cpu: native/cpu_legendre.cpp over kernels/legendre.cuh; cuda:
 * kernels/legendre.cu) against ReferenceBackend.get() (ReferenceLegendre) on fresh random inputs (seed in every failure
 * message), every output, at DESIGN.md's single-primitive bound ||fast − ref||/||ref|| ≤ 1e-5. Inputs mix values
 * inside [−1, 1], outside it (clamped, no gradient) and exactly ±1 (clamp edge, gradient P'_k(±1)); shapes cover rows
 * shorter than a vector, partial 256-column and 256-row tiles (and CUDA blocks), and sizes above the parallel threshold.
 * Runners: cpu.LegendreParityTest, cuda.CudaLegendreParityTest (cuda-emulated, and the GPU when present).
 */
public abstract class LegendreParityCases extends ParityFixture {

    // No 1-element shape here: a sum Σ_k c_k P_k(x) can cancel to far below its terms, and one such element alone
    // makes the norm-wise metric measure float32 cancellation rather than correctness (the reference sums in
    // float64). Across an array those elements weigh in with their small size. Single-term sums at the clamp edges
    // (clampEdges) cover single elements exactly; {1, 5} covers a row shorter than one vector.
    private static final int[][] SHAPES = {{1, 5}, {7, 33}, {33, 7}, {64, 257}, {300, 257}, {300, 3}, {3, 600}};
    private static final int[] DEGREES = {0, 1, 2, 4, 5, 8, 12, 20};

    protected LegendreParityCases(ParityTarget target) { super(target); }

    /** Activations: N(0, 0.7) (about 15% outside [−1, 1]) with a few exact ±1 and far-out values. */
    protected final float[] activations(int n) {
        float[] v = randn(n, 0.7);
        float[] edges = {1f, -1f, 3.5f, -7f};
        for (int i = 0; i < Math.min(n / 5, edges.length); i++) v[5 * i + 2] = edges[i];
        return v;
    }

    // ---- per-neuron activation ------------------------------------------------------------------

    @Test void forwardMatchesReference() {
        for (int[] s : SHAPES)
            for (int d : DEGREES) {
                int rows = s[0], cols = s[1], k = d + 1;
                Twin x = new Twin(activations(rows * cols)), a = new Twin(randn(cols * k, 1)), y = nanTwin(rows * cols);
                fast().legendreForward(x.f, a.f, y.f, rows, cols, d);
                ref.legendreForward(x.r, a.r, y.r, rows, cols, d);
                check("legendreForward rows=" + rows + " cols=" + cols + " D=" + d, y,
                      forwardTol(x.fastOut(), down(ref, a.r, cols * k), y.refOut(), cols, d));
            }
    }

    @Test void backwardMatchesReference() {
        for (int[] s : SHAPES)
            for (int d : DEGREES) {
                int rows = s[0], cols = s[1], k = d + 1;
                String what = " rows=" + rows + " cols=" + cols + " D=" + d;
                Twin x = new Twin(activations(rows * cols)), a = new Twin(randn(cols * k, 1)), dy = new Twin(randn(rows * cols, 1));
                Twin dx = nanTwin(rows * cols), da = new Twin(randn(cols * k, 1));   // dCoeffs accumulates: start non-zero
                fast().legendreBackward(x.f, a.f, dy.f, dx.f, da.f, rows, cols, d);
                ref.legendreBackward(x.r, a.r, dy.r, dx.r, da.r, rows, cols, d);
                check("legendreBackward dx" + what, dx,
                      conditionedTol(x.fastOut(), down(ref, a.r, cols * k), dy.fastOut(), dx.refOut(), cols, d));
                check("legendreBackward dCoeffs" + what, da);
                Twin dx2 = nanTwin(rows * cols);   // dCoeffs is optional
                fast().legendreBackward(x.f, a.f, dy.f, dx2.f, null, rows, cols, d);
                assertArrayEquals(dx.fastOut(), dx2.fastOut(), tag("legendreBackward dx without dCoeffs" + what));
            }
    }

    /**
     * y = Σ_k A_k P_k(clamp(x)) sums terms up to |A_k| (|P_k| ≤ 1) that can cancel to far below their size (D = 20 at
     * one x cancelled 0.14 out of terms summing to several units); float32 evaluation, recurrence included, then errs
     * by a multiple of ε Σ_k |A_k P_k(x)|, whatever the result. The bound is 1e-5 times that scale relative to ||y||
     * when it exceeds 1 (never tighter than 1e-5), capped at 1e-3, as conditionedTol below for dx.
     */
    private static double forwardTol(float[] x, float[] a, float[] yRef, int cols, int d) {
        double scale = 0, norm = 0;
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) continue;
            double xi = Math.max(-1, Math.min(1, x[i]));
            int k = d + 1, j = i % cols;
            double pPrev = 1, p = xi, term = Math.abs(a[j * k]);                   // P_0, P_1, in double
            if (d >= 1) term += Math.abs(a[j * k + 1] * p);
            for (int q = 1; q < d; q++) {                                          // step to P_{q+1}
                double pNext = ((2 * q + 1) * xi * p - q * pPrev) / (q + 1);
                term += Math.abs(a[j * k + q + 1] * pNext);
                pPrev = p; p = pNext;
            }
            scale += term * term;
            norm += (double) yRef[i] * yRef[i];
        }
        double kappa = norm == 0 ? 1 : Math.sqrt(scale / norm);
        return Math.min(1e-3, TOL * Math.max(1, kappa));
    }

    /**
     * dx = dy Σ_k A_k P'_k(x) sums terms up to |A_k| k(k+1)/2 (P'_k's largest value, at x = ±1) that can cancel to far
     * below their size; float32 evaluation then errs by about ε Σ_k |dy A_k P'_k(x)|, whatever the result. The bound
     * is 1e-5 times that scale relative to ||dx|| when it exceeds 1 (never tighter than 1e-5), capped at 1e-3: a
     * cancellation by more than 100x counts as a failure, so the bound cannot grow without limit.
     */
    private static double conditionedTol(float[] x, float[] a, float[] dy, float[] dxRef, int cols, int d) {
        double scale = 0, norm = 0;
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            if (!(Math.abs(xi) <= 1)) continue;                                 // clamped: no gradient
            int k = d + 1, j = i % cols;
            double pPrev = 1, p = xi, dPrev = 0, dCur = 1;                     // P_0, P_1 and P'_0, P'_1, in double
            double term = d >= 1 ? Math.abs(a[j * k + 1]) : 0;
            for (int q = 1; q < d; q++) {                                      // step to P_{q+1}, P'_{q+1}
                double pNext = ((2 * q + 1) * xi * p - q * pPrev) / (q + 1), dNext = dPrev + (2 * q + 1) * p;
                term += Math.abs(a[j * k + q + 1] * dNext);
                pPrev = p; p = pNext; dPrev = dCur; dCur = dNext;
            }
            scale += Math.pow(term * dy[i], 2);
            norm += (double) dxRef[i] * dxRef[i];
        }
        double kappa = norm == 0 ? 1 : Math.sqrt(scale / norm);
        return Math.min(1e-3, TOL * Math.max(1, kappa));
    }

    @Test void dCoeffsAccumulatesOverCalls() {
        int rows = 70, cols = 40, d = 4, k = d + 1;
        Twin x = new Twin(activations(rows * cols)), a = new Twin(randn(cols * k, 1)), dx = new Twin(new float[rows * cols]);
        Twin da = new Twin(randn(cols * k, 1));
        for (int call = 0; call < 3; call++) {
            Twin dy = new Twin(randn(rows * cols, 1));
            fast().legendreBackward(x.f, a.f, dy.f, dx.f, da.f, rows, cols, d);
            ref.legendreBackward(x.r, a.r, dy.r, dx.r, da.r, rows, cols, d);
        }
        check("legendreBackward dCoeffs after three calls", da);
    }

    /** Exactly at ±1 the gradient is P'_k(±1) = (±1)^(k+1) k(k+1)/2; strictly outside it is 0; NaN gives none. */
    @Test void clampEdges() {
        int d = 6, k = d + 1;
        float[] xv = {1f, -1f, Math.nextUp(1f), Math.nextDown(-1f), 0.25f, Float.NaN};
        int cols = xv.length;
        float[] coeffs = new float[cols * k];
        for (int j = 0; j < cols; j++) coeffs[j * k + d] = 1f;   // each neuron is P_6
        Twin x = new Twin(xv), a = new Twin(coeffs), y = nanTwin(cols), dy = new Twin(new float[] {1, 1, 1, 1, 1, 1});
        Twin dx = nanTwin(cols);
        fast().legendreForward(x.f, a.f, y.f, 1, cols, d);
        fast().legendreBackward(x.f, a.f, dy.f, dx.f, null, 1, cols, d);
        float[] yc = y.fastOut(), g = dx.fastOut();
        assertEquals(1f, yc[0], 1e-6f, tag("P_6(1)"));
        assertEquals(1f, yc[2], 1e-6f, tag("P_6(clamp(1+ulp))"));
        assertEquals(21f, g[0], 1e-4f, tag("P_6'(1)"));
        assertEquals(-21f, g[1], 1e-4f, tag("P_6'(-1)"));
        assertEquals(0f, g[2], tag("no gradient just above 1"));
        assertEquals(0f, g[3], tag("no gradient just below -1"));
        assertTrue(Float.isNaN(yc[5]), tag("P_6(NaN)"));
        assertEquals(0f, g[5], tag("no gradient at NaN"));
        ref.legendreForward(x.r, a.r, y.r, 1, cols, d);
        ref.legendreBackward(x.r, a.r, dy.r, dx.r, null, 1, cols, d);
        check("legendreForward at the edges", y);
        check("legendreBackward at the edges", dx);
    }

    // ---- dense ("KAN") basis ----------------------------------------------------------------------

    @Test void basisAndItsBackwardMatchReference() {
        for (int[] s : SHAPES)
            for (int d : DEGREES) {
                int rows = s[0], cols = s[1], n = rows * cols, k = d + 1;
                String what = " rows=" + rows + " cols=" + cols + " D=" + d;
                Twin x = new Twin(activations(n)), basis = nanTwin(n * k);
                fast().legendreBasis(x.f, basis.f, rows, cols, d);
                ref.legendreBasis(x.r, basis.r, rows, cols, d);
                check("legendreBasis" + what, basis);
                Twin db = new Twin(randn(n * k, 1)), dx = nanTwin(n);
                fast().legendreBasisBackward(x.f, db.f, dx.f, rows, cols, d);
                ref.legendreBasisBackward(x.r, db.r, dx.r, rows, cols, d);
                check("legendreBasisBackward" + what, dx);
            }
    }

    // ---- per-neuron readout -----------------------------------------------------------------------

    @Test void neuronReadoutAndItsBackwardMatchReference() {
        int[][] shapes = {{1, 1, 1}, {4, 37, 5}, {7, 33, 5}, {32, 256, 5}, {9, 70, 33}, {3, 5, 33}, {200, 300, 9}, {64, 300, 9}};
        for (int[] s : shapes) {
            int batch = s[0], neurons = s[1], k = s[2], n = batch * neurons;
            String what = " B=" + batch + " M=" + neurons + " K=" + k;
            Twin basis = new Twin(randn(n * k, 3)), a = new Twin(randn(neurons * k, 1)), y = nanTwin(n);
            fast().neuronReadout(basis.f, a.f, y.f, batch, neurons, k);
            ref.neuronReadout(basis.r, a.r, y.r, batch, neurons, k);
            check("neuronReadout" + what, y);
            Twin dy = new Twin(randn(n, 1)), db = nanTwin(n * k), da = new Twin(randn(neurons * k, 1));
            fast().neuronReadoutBackward(basis.f, a.f, dy.f, db.f, da.f, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, a.r, dy.r, db.r, da.r, batch, neurons, k);
            check("neuronReadoutBackward dBasis" + what, db);
            check("neuronReadoutBackward dCoeffs" + what, da);
            // Each output is optional; dCoeffs accumulates.
            fast().neuronReadoutBackward(basis.f, a.f, dy.f, null, da.f, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, a.r, dy.r, null, da.r, batch, neurons, k);
            check("neuronReadoutBackward dCoeffs, second call, no dBasis" + what, da);
            Twin db2 = nanTwin(n * k);
            fast().neuronReadoutBackward(basis.f, a.f, dy.f, db2.f, null, batch, neurons, k);
            assertArrayEquals(db.fastOut(), db2.fastOut(), tag("neuronReadoutBackward dBasis without dCoeffs" + what));
        }
    }

    // ---- threads and arguments --------------------------------------------------------------------

    @Test void invalidArgumentsAreIllegalArgumentExceptions() {
        Buffer x = new Twin(new float[12]).f, a = new Twin(new float[8]).f, y = new Twin(new float[12]).f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fast().legendreForward(x, a, y, 3, 4, 2));
        assertTrue(e.getMessage().contains("coeffs"), e.getMessage());   // 4 × 3 coefficients needed, 8 given
        assertThrows(IllegalArgumentException.class, () -> fast().legendreForward(x, a, y, 3, 4, -1));
        assertThrows(IllegalArgumentException.class, () -> fast().legendreBasis(x, y, 3, 4, 1));   // basis needs 24
        e = assertThrows(IllegalArgumentException.class, () -> fast().neuronReadout(x, a, null, 3, 4, 1));
        assertTrue(e.getMessage().contains("y"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fast().neuronReadoutBackward(x, a, y, null, null, 3, 4, -2));
    }

    @Test void shortBuffersAreRejectedNamingThePrimitive() {
        Backend be = fast();
        Buffer b6 = alloc(6), b5 = alloc(5), b30 = alloc(30);
        assertRejected("legendreForward", () -> be.legendreForward(b6, b5, b6, 2, 3, 1));   // coeffs needs 3*2
        assertRejected("legendreForward", () -> be.legendreForward(b6, b30, b6, 2, 3, -1));
        assertRejected("legendreBackward", () -> be.legendreBackward(b6, b30, b6, b5, null, 2, 3, 4));
        assertRejected("legendreBasis", () -> be.legendreBasis(b6, b6, 2, 3, 4));
        assertRejected("legendreBasisBackward", () -> be.legendreBasisBackward(b6, b30, b5, 2, 3, 4));
        assertRejected("neuronReadout", () -> be.neuronReadout(b5, b6, b6, 2, 3, 1));
        assertRejected("neuronReadoutBackward", () -> be.neuronReadoutBackward(b6, b6, b6, b5, null, 2, 3, 1));
    }
}
