package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every cpu-vs-reference parity test shares: the two backends, a fresh seed per test (printed in every
 * failure through {@link #tag}), the same data on both sides ({@link Twin}) and freeing the native buffers.
 */
abstract class CpuParityBase {
    static Backend cpu;
    static final ReferenceBackend ref = ReferenceBackend.get();

    final long seed = System.nanoTime();
    final Random rnd = new Random(seed);
    final List<Buffer> cpuBuffers = new ArrayList<>();

    @BeforeAll static void requireCpuBackend() {
        // Only a build that skipped the native library on purpose may skip these tests.
        assumeFalse(!CpuBackend.isAvailable() && Boolean.getBoolean("hhnn.skipNative"), "native build skipped");
        if (!CpuBackend.isAvailable()) fail(CpuBackend.unavailabilityCause());
        cpu = CpuBackend.get();
    }

    @AfterEach void freeBuffers() { cpuBuffers.forEach(cpu::free); }

    /** The same data on both backends. */
    final class Twin {
        final Buffer c, r;
        final int n;

        Twin(float[] v) {
            n = v.length;
            c = cpu.alloc(n);
            cpuBuffers.add(c);
            r = ref.alloc(n);
            cpu.upload(v, c);
            ref.upload(v, r);
        }

        float[] cpuOut() { return down(cpu, c, n); }
        float[] refOut() { return down(ref, r, n); }
    }

    static float[] down(Backend b, Buffer buf, int n) {
        float[] out = new float[n];
        b.download(buf, out);
        return out;
    }

    String tag(String what) { return what + " [seed " + seed + "L]"; }
}
