package org.hhnn.backend;

import static org.hhnn.backend.ParityAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;

/**
 * What every parity case shares, whatever the backend: the backend under test (from a {@link ParityTarget}, opened on
 * first use) beside ReferenceBackend.get(), a fresh seed per test (printed in every failure through {@link #tag}), the
 * same data on both sides ({@link Twin}), the random inputs, and freeing the fast backend's buffers after each test.
 * The cases (CoreParityCases, HhParityCases, LegendreParityCases, ModulatedParityCases, ConvParityCases) extend it; the
 * runners in cpu/ and cuda/ extend those, naming their target.
 */
public abstract class ParityFixture {
    /** DESIGN.md's single-primitive bound ||fast − ref||_2 / ||ref||_2. */
    protected static final double TOL = 1e-5;

    protected static final ReferenceBackend ref = ReferenceBackend.get();

    protected final long seed = org.hhnn.TestSeeds.fresh();
    protected final Random rnd = new Random(seed);

    private ParityTarget target;
    private Backend fast;
    private String label;
    private final List<Buffer> fastBuffers = new ArrayList<>();

    protected ParityFixture(ParityTarget target) { this.target = target; }

    /** The backend under test; opened on first use, so a test that cannot run here is skipped before it allocates. */
    protected final Backend fast() {
        if (fast == null) {
            fast = target.open();
            if (label == null) label = fast.name();
        }
        return fast;
    }

    /**
     * Runs this test on another target (a variant of the backend, e.g. a device without cuBLAS), named label in the
     * failure messages; only before the test has used its own.
     */
    protected final void retarget(ParityTarget other, String label) {
        if (fast != null) throw new IllegalStateException("retarget after the backend was opened");
        this.target = other;
        this.label = label;
    }

    /** Frees the buffers the test has allocated so far (a long sweep frees them case by case). */
    protected final void freeBuffers() {
        if (fast != null) fastBuffers.forEach(fast::free);
        fastBuffers.clear();
    }

    @AfterEach final void freeBuffersAndCheckTarget() {
        if (fast == null) return;
        freeBuffers();
        target.afterBuffersFreed();
    }

    /** A buffer of the backend under test, freed after the test. */
    protected final Buffer alloc(long n) {
        Buffer b = fast().alloc(n);
        fastBuffers.add(b);
        return b;
    }

    /** Forgets b (the test frees it itself). */
    protected final void release(Buffer b) { fastBuffers.remove(b); }

    /** The same data on both backends. */
    protected final class Twin {
        public final Buffer f, r;
        public final int n;

        public Twin(float[] v) {
            n = v.length;
            f = alloc(Math.max(n, 1));   // some backends refuse an empty buffer; nothing reads past n
            r = ref.alloc(Math.max(n, 1));
            fast().upload(v, f);
            ref.upload(v, r);
        }

        public float[] fastOut() { return down(fast(), f, n); }
        public float[] refOut() { return down(ref, r, n); }
    }

    /** A Twin's buffer on each side; null (an absent optional argument) stays null on both. */
    protected static Buffer f(Twin t) { return t == null ? null : t.f; }
    protected static Buffer r(Twin t) { return t == null ? null : t.r; }

    protected static float[] down(Backend b, Buffer buf, int n) {
        float[] out = new float[n];
        b.download(buf, out);
        return out;
    }

    protected final String tag(String what) { fast(); return label + ": " + what + " [seed " + seed + "L]"; }

    protected final void check(String what, Twin t) { check(what, t, TOL); }

    protected final void check(String what, Twin t, double tol) { assertClose(tag(what), t.fastOut(), t.refOut(), tol); }

    // ---- inputs -----------------------------------------------------------------------------------------------

    /** Gaussian values scaled by scale, never 0 (0 hides sign and scaling bugs). */
    protected final float[] randn(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (float) (rnd.nextGaussian() * scale);
            v[i] = x != 0f ? x : (float) scale;
        }
        return v;
    }

    protected final float[] uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return v;
    }

    protected final Twin randTwin(int n) { return new Twin(randn(n, 1)); }

    /** An output the backends must overwrite entirely: NaN wherever one is left unwritten. */
    protected final Twin nanTwin(int n) {
        float[] v = new float[n];
        Arrays.fill(v, Float.NaN);
        return new Twin(v);
    }

    /** call throws an IllegalArgumentException whose message starts with the primitive's name. */
    protected static void assertRejected(String primitive, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, primitive);
        assertTrue(e.getMessage().startsWith(primitive + ":"), "names the primitive: " + e.getMessage());
    }
}
