package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.hhnn.backend.Backend;
import org.hhnn.backend.HhParityCases;
import org.junit.jupiter.api.Test;

/**
 * The cpu HH window (native/cpu_hh.cpp over kernels/hh.cuh) against the reference: the cases of {@link HhParityCases},
 * plus the independence of the results from the OpenMP thread count.
 * Run: mvn -B -o test -pl java -Dtest=HhParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class HhParityTest extends HhParityCases {

    HhParityTest() { super(new CpuTarget()); }

    /** Units never share an output, and dCond is summed over the batch in a fixed order: bits independent of threads. */
    @Test void resultsDoNotDependOnThreadCount() {
        Backend cpu = fast();
        int before = CpuBackend.threads();
        Problem p = new Problem(40, 820, 32, 2, true);
        Twin[] in = p.incoming();
        int n = p.n;
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                CpuBackend.setThreads(threads);
                Twin so = new Twin(new float[4 * n]), bs = new Twin(new float[n * p.k]), sp = new Twin(new float[n]);
                Twin ds = new Twin(new float[4 * n]), dc = new Twin(new float[n]), dg = new Twin(new float[3 * p.neurons]);
                cpu.hhForward(p.spec, p.state.f, p.current.f, p.cond.f, so.f, bs.f, sp.f, p.batch, p.neurons);
                cpu.hhBackward(p.spec, p.state.f, p.current.f, p.cond.f, in[0].f, in[1].f, in[2].f, ds.f, dc.f, dg.f, p.batch, p.neurons);
                float[][] got = {so.fastOut(), bs.fastOut(), sp.fastOut(), ds.fastOut(), dc.fastOut(), dg.fastOut()};
                if (first == null) first = got;
                else for (int q = 0; q < got.length; q++) assertArrayEquals(first[q], got[q], tag("output " + q + " with " + threads + " threads"));
            }
        } finally {
            CpuBackend.setThreads(before);
        }
    }
}
