package org.hhnn.backend.cpu;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * The cpu Legendre primitives (native/cpu_legendre.cpp over kernels/legendre.cuh) against ReferenceBackend.get()
 * (ReferenceLegendre) on fresh random inputs (seed in every failure message), every output, at DESIGN.md's
 * single-primitive bound ||cpu − ref||/||ref|| ≤ 1e-5. Inputs mix values inside [−1, 1], outside it (clamped,
 * no gradient) and exactly ±1 (clamp edge, gradient P'_k(±1)); shapes cover rows shorter than a vector, partial 256-column
 * and 256-row tiles, and sizes above the parallel threshold.
 */
class LegendreParityTest extends CpuParityBase {

    private static final double TOL = 1e-5;
    // No 1-element shape here: a sum Σ_k c_k P_k(x) can cancel to far below its terms, and one such element alone
    // makes the norm-wise metric measure float32 cancellation rather than correctness (the reference sums in
    // float64). Across an array those elements weigh in with their small size. Single-term sums at the clamp edges
    // (clampEdges) cover single elements exactly; {1, 5} covers a row shorter than one vector.
    private static final int[][] SHAPES = {{1, 5}, {7, 33}, {33, 7}, {300, 257}, {3, 600}};
    private static final int[] DEGREES = {0, 1, 2, 5, 8, 20};


    private void check(String what, Twin t) { assertClose(tag(what), t.cpuOut(), t.refOut(), TOL); }

    private float[] gaussian(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (float) (rnd.nextGaussian() * scale);
            v[i] = x != 0f ? x : (float) scale;
        }
        return v;
    }

    /** Activations: N(0, 0.7) (about 15% outside [−1, 1]) with a few exact ±1 and far-out values. */
    private float[] activations(int n) {
        float[] v = gaussian(n, 0.7);
        float[] edges = {1f, -1f, 3.5f, -7f};
        for (int i = 0; i < Math.min(n / 5, edges.length); i++) v[5 * i + 2] = edges[i];
        return v;
    }

    private Twin nanTwin(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return new Twin(v);
    }

    // ---- per-neuron activation ------------------------------------------------------------------

    @Test void forwardMatchesReference() {
        for (int[] s : SHAPES)
            for (int d : DEGREES) {
                int rows = s[0], cols = s[1], k = d + 1;
                Twin x = new Twin(activations(rows * cols)), a = new Twin(gaussian(cols * k, 1)), y = nanTwin(rows * cols);
                cpu.legendreForward(x.c, a.c, y.c, rows, cols, d);
                ref.legendreForward(x.r, a.r, y.r, rows, cols, d);
                check("legendreForward rows=" + rows + " cols=" + cols + " D=" + d, y);
            }
    }

    @Test void backwardMatchesReference() {
        for (int[] s : SHAPES)
            for (int d : DEGREES) {
                int rows = s[0], cols = s[1], k = d + 1;
                String what = " rows=" + rows + " cols=" + cols + " D=" + d;
                Twin x = new Twin(activations(rows * cols)), a = new Twin(gaussian(cols * k, 1)), dy = new Twin(gaussian(rows * cols, 1));
                Twin dx = nanTwin(rows * cols), da = new Twin(gaussian(cols * k, 1));   // dCoeffs accumulates: start non-zero
                cpu.legendreBackward(x.c, a.c, dy.c, dx.c, da.c, rows, cols, d);
                ref.legendreBackward(x.r, a.r, dy.r, dx.r, da.r, rows, cols, d);
                check("legendreBackward dx" + what, dx);
                check("legendreBackward dCoeffs" + what, da);
                Twin dx2 = nanTwin(rows * cols);   // dCoeffs is optional
                cpu.legendreBackward(x.c, a.c, dy.c, dx2.c, null, rows, cols, d);
                assertArrayEquals(dx.cpuOut(), dx2.cpuOut(), tag("legendreBackward dx without dCoeffs" + what));
            }
    }

    @Test void dCoeffsAccumulatesOverCalls() {
        int rows = 70, cols = 40, d = 4, k = d + 1;
        Twin x = new Twin(activations(rows * cols)), a = new Twin(gaussian(cols * k, 1)), dx = new Twin(new float[rows * cols]);
        Twin da = new Twin(gaussian(cols * k, 1));
        for (int call = 0; call < 3; call++) {
            Twin dy = new Twin(gaussian(rows * cols, 1));
            cpu.legendreBackward(x.c, a.c, dy.c, dx.c, da.c, rows, cols, d);
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
        cpu.legendreForward(x.c, a.c, y.c, 1, cols, d);
        cpu.legendreBackward(x.c, a.c, dy.c, dx.c, null, 1, cols, d);
        float[] yc = y.cpuOut(), g = dx.cpuOut();
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
                cpu.legendreBasis(x.c, basis.c, rows, cols, d);
                ref.legendreBasis(x.r, basis.r, rows, cols, d);
                check("legendreBasis" + what, basis);
                Twin db = new Twin(gaussian(n * k, 1)), dx = nanTwin(n);
                cpu.legendreBasisBackward(x.c, db.c, dx.c, rows, cols, d);
                ref.legendreBasisBackward(x.r, db.r, dx.r, rows, cols, d);
                check("legendreBasisBackward" + what, dx);
            }
    }

    // ---- per-neuron readout -----------------------------------------------------------------------

    @Test void neuronReadoutAndItsBackwardMatchReference() {
        int[][] shapes = {{1, 1, 1}, {4, 37, 5}, {32, 256, 5}, {9, 70, 33}, {200, 300, 9}};
        for (int[] s : shapes) {
            int batch = s[0], neurons = s[1], k = s[2], n = batch * neurons;
            String what = " B=" + batch + " M=" + neurons + " K=" + k;
            Twin basis = new Twin(gaussian(n * k, 3)), a = new Twin(gaussian(neurons * k, 1)), y = nanTwin(n);
            cpu.neuronReadout(basis.c, a.c, y.c, batch, neurons, k);
            ref.neuronReadout(basis.r, a.r, y.r, batch, neurons, k);
            check("neuronReadout" + what, y);
            Twin dy = new Twin(gaussian(n, 1)), db = nanTwin(n * k), da = new Twin(gaussian(neurons * k, 1));
            cpu.neuronReadoutBackward(basis.c, a.c, dy.c, db.c, da.c, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, a.r, dy.r, db.r, da.r, batch, neurons, k);
            check("neuronReadoutBackward dBasis" + what, db);
            check("neuronReadoutBackward dCoeffs" + what, da);
            // Each output is optional; dCoeffs accumulates.
            cpu.neuronReadoutBackward(basis.c, a.c, dy.c, null, da.c, batch, neurons, k);
            ref.neuronReadoutBackward(basis.r, a.r, dy.r, null, da.r, batch, neurons, k);
            check("neuronReadoutBackward dCoeffs, second call, no dBasis" + what, da);
            Twin db2 = nanTwin(n * k);
            cpu.neuronReadoutBackward(basis.c, a.c, dy.c, db2.c, null, batch, neurons, k);
            assertArrayEquals(db.cpuOut(), db2.cpuOut(), tag("neuronReadoutBackward dBasis without dCoeffs" + what));
        }
    }

    // ---- threads and arguments --------------------------------------------------------------------

    /** dCoeffs sums fixed row tiles in a fixed order: the bits do not depend on the thread count. */
    @Test void resultsDoNotDependOnThreadCount() {
        int before = CpuBackend.threads(), rows = 1000, cols = 300, d = 8, k = d + 1;
        Twin x = new Twin(activations(rows * cols)), a = new Twin(gaussian(cols * k, 1)), dy = new Twin(gaussian(rows * cols, 1));
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                CpuBackend.setThreads(threads);
                Twin y = nanTwin(rows * cols), dx = nanTwin(rows * cols), da = new Twin(new float[cols * k]);
                cpu.legendreForward(x.c, a.c, y.c, rows, cols, d);
                cpu.legendreBackward(x.c, a.c, dy.c, dx.c, da.c, rows, cols, d);
                float[][] got = {y.cpuOut(), dx.cpuOut(), da.cpuOut()};
                if (first == null) first = got;
                else for (int q = 0; q < got.length; q++) assertArrayEquals(first[q], got[q], tag("output " + q + " with " + threads + " threads"));
            }
        } finally {
            CpuBackend.setThreads(before);
        }
    }

    @Test void invalidArgumentsAreIllegalArgumentExceptions() {
        Buffer x = new Twin(new float[12]).c, a = new Twin(new float[8]).c, y = new Twin(new float[12]).c;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.legendreForward(x, a, y, 3, 4, 2));
        assertTrue(e.getMessage().contains("coeffs"), e.getMessage());   // 4 × 3 coefficients needed, 8 given
        assertThrows(IllegalArgumentException.class, () -> cpu.legendreForward(x, a, y, 3, 4, -1));
        assertThrows(IllegalArgumentException.class, () -> cpu.legendreBasis(x, y, 3, 4, 1));   // basis needs 24
        e = assertThrows(IllegalArgumentException.class, () -> cpu.neuronReadout(x, a, null, 3, 4, 1));
        assertTrue(e.getMessage().contains("y"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cpu.neuronReadoutBackward(x, a, y, null, null, 3, 4, -2));
    }
}
