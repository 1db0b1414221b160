package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.hhnn.backend.Backend;
import org.hhnn.backend.LegendreParityCases;
import org.junit.jupiter.api.Test;

/**
 * The cpu Legendre primitives (native/cpu_legendre.cpp over kernels/legendre.cuh) against the reference: the cases of
 * {@link LegendreParityCases}, plus the independence of the results from the OpenMP thread count.
 * Run: mvn -B -o test -pl java -Dtest=LegendreParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LegendreParityTest extends LegendreParityCases {

    LegendreParityTest() { super(new CpuTarget()); }

    /** dCoeffs sums fixed row tiles in a fixed order: the bits do not depend on the thread count. */
    @Test void resultsDoNotDependOnThreadCount() {
        Backend cpu = fast();
        int before = CpuBackend.threads(), rows = 1000, cols = 300, d = 8, k = d + 1;
        Twin x = new Twin(activations(rows * cols)), a = new Twin(randn(cols * k, 1)), dy = new Twin(randn(rows * cols, 1));
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                CpuBackend.setThreads(threads);
                Twin y = nanTwin(rows * cols), dx = nanTwin(rows * cols), da = new Twin(new float[cols * k]);
                cpu.legendreForward(x.f, a.f, y.f, rows, cols, d);
                cpu.legendreBackward(x.f, a.f, dy.f, dx.f, da.f, rows, cols, d);
                float[][] got = {y.fastOut(), dx.fastOut(), da.fastOut()};
                if (first == null) first = got;
                else for (int q = 0; q < got.length; q++) assertArrayEquals(first[q], got[q], tag("output " + q + " with " + threads + " threads"));
            }
        } finally {
            CpuBackend.setThreads(before);
        }
    }
}
