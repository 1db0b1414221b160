package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.ConvGeom;
import org.hhnn.backend.ConvParityCases;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cpu convolution-side primitives (native/cpu_conv.cpp over kernels/conv.cuh) against the reference: the cases of
 * {@link ConvParityCases}, plus the native bounds check of maxPoolBackward's argmax and conv2d's thread-count independence.
 * Run: mvn -B -o test -pl java -Dtest=ConvParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ConvParityTest extends ConvParityCases {

    ConvParityTest() { super(new CpuTarget()); }

    @Test void maxPoolBackwardRefusesAnArgmaxOutsideThePlane() {
        Backend cpu = fast();
        ConvGeom g = new ConvGeom(1, 1, 4, 4, 2, 2, 2, 0);
        Buffer dy = alloc(4), arg = alloc(4), dx = alloc(16);
        cpu.upload(new float[] {0, 2, 16, 10}, arg);   // 16 is past the 4x4 plane
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.maxPoolBackward(g, dy, arg, dx));
        assertTrue(e.getMessage().contains("maxPoolBackward") && e.getMessage().contains("4x4"), e.getMessage());
    }

    /** conv2d's images are independent and its weight gradient sums fixed groups of images in order: same bits for any thread count. */
    @Test void conv2dResultsDoNotDependOnThreadCount() {
        Backend cpu = fast();
        ConvGeom g = new ConvGeom(37, 8, 12, 12, 3, 3, 1, 0);
        int oc = 16;
        long ws = oc * g.colRows(), ys = (long) g.batch() * oc * g.outH() * g.outW();
        Random rnd = new Random(7);
        float[][] in = {new float[(int) g.inputSize()], new float[(int) ws], new float[oc], new float[(int) ys]};
        for (float[] a : in) for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        Buffer[] bufs = {cpu.alloc(in[0].length), cpu.alloc(ws), cpu.alloc(oc), cpu.alloc(ys), cpu.alloc(ys),
            cpu.alloc(in[0].length), cpu.alloc(ws), cpu.alloc(oc)};
        int before = CpuBackend.threads();
        try {
            for (int k = 0; k < 4; k++) cpu.upload(in[k], bufs[k]);
            float[][] first = null;
            for (int threads : new int[] {1, 2, 3}) {
                CpuBackend.setThreads(threads);
                cpu.conv2d(g, oc, bufs[0], bufs[1], bufs[2], bufs[4]);
                cpu.conv2dBackward(g, oc, bufs[0], bufs[1], bufs[3], bufs[5], bufs[6], bufs[7]);
                float[][] got = new float[4][];
                for (int k = 0; k < 4; k++) {
                    got[k] = new float[(int) bufs[4 + k].length];
                    cpu.download(bufs[4 + k], got[k]);
                }
                if (first == null) first = got;
                else for (int k = 0; k < 4; k++) assertArrayEquals(first[k], got[k], "output " + k + " with " + threads + " threads");
            }
        } finally {
            CpuBackend.setThreads(before);
            for (Buffer b : bufs) cpu.free(b);
        }
    }
}
