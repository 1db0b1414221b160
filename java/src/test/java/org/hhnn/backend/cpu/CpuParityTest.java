package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.hhnn.backend.Backend;
import org.hhnn.backend.CoreParityCases;
import org.junit.jupiter.api.Test;

/**
 * The cpu backend's core primitives against the reference: the cases of {@link CoreParityCases}, plus what only the
 * cpu backend has (its runtime info, the thread count, calls from many Java threads).
 * Run: mvn -B -o test -pl java -Dtest=CpuParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class CpuParityTest extends CoreParityCases {

    CpuParityTest() { super(new CpuTarget()); }

    @Test void runtimeInfo() {
        assertTrue(CpuBackend.isAvailable());
        assertEquals(null, CpuBackend.unavailabilityCause());
        assertEquals("cpu", fast().name());
        assertTrue(CpuBackend.blasInfo().startsWith("OpenBLAS"), CpuBackend.blasInfo());
        assertTrue(CpuBackend.libraryPath() != null);
        int before = CpuBackend.threads();
        try {
            CpuBackend.setThreads(1);
            assertEquals(1, CpuBackend.threads());
        } finally {
            CpuBackend.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.setThreads(0));
    }

    private float[] gemmOnce(Twin a, Twin b, int m, int n, int k) {
        Twin c = nanTwin(m * n);
        fast().gemm(false, true, m, n, k, 1f, a.f, b.f, 0f, c.f);
        return c.fastOut();
    }

    @Test void reductionsAndGemmAreDeterministic() {
        Backend cpu = fast();
        int n = 1_000_003, m = 300, nn = 200, k = 150;
        Twin x = randTwin(n), a = randTwin(m * k), b = randTwin(nn * k);
        double s1 = cpu.sumSquares(x.f, n), s2 = cpu.sumSquares(x.f, n);
        double t1 = cpu.sum(x.f, n), t2 = cpu.sum(x.f, n);
        assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(s2), "sumSquares twice");
        assertEquals(Double.doubleToLongBits(t1), Double.doubleToLongBits(t2), "sum twice");
        assertArrayEquals(gemmOnce(a, b, m, nn, k), gemmOnce(a, b, m, nn, k), "gemm twice, same thread count");
        // The full reductions sum fixed-size chunks in index order: the thread count does not change their bits.
        int before = CpuBackend.threads();
        try {
            CpuBackend.setThreads(1);
            assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(cpu.sumSquares(x.f, n)), "sumSquares, 1 thread");
            assertEquals(Double.doubleToLongBits(t1), Double.doubleToLongBits(cpu.sum(x.f, n)), "sum, 1 thread");
        } finally {
            CpuBackend.setThreads(before);
        }
    }

    @Test void callsFromManyThreadsAgree() throws Exception {
        Backend cpu = fast();
        int n = 100_000;
        Twin x = randTwin(n);
        double expected = cpu.sumSquares(x.f, n);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        Consumer<Throwable> record = e -> { synchronized (errors) { errors.add(e); } };
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 20; i++) assertEquals(expected, cpu.sumSquares(x.f, n));
                } catch (Throwable e) {
                    record.accept(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        if (!errors.isEmpty()) throw new AssertionError(errors.get(0));
    }
}
