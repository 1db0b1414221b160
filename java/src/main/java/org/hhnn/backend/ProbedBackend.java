package org.hhnn.backend;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A backend made and self-tested once, on first use (cpu, cuda, cuda-emulated). When that fails, the failure is kept
 * and every later call gets it: its message is the cause in one phrase, which {@link #get} puts into the sentence of a
 * {@link BackendUnavailableException}.
 */
public final class ProbedBackend<B extends Backend> {

    /** Makes and self-tests the backend; whatever it throws is the reason the backend is unavailable. */
    @FunctionalInterface
    public interface Opener<B> { B open() throws Throwable; }

    private final Opener<B> opener;
    private boolean probed;
    private B backend;
    private Throwable failure;

    public ProbedBackend(Opener<B> opener) { this.opener = opener; }

    /** Null when the backend works here, else why not (probed on the first call). */
    public synchronized Throwable failure() {
        if (!probed) {
            probed = true;
            try {
                backend = opener.open();
            } catch (Throwable t) {
                failure = t;
            }
        }
        return failure;
    }

    public boolean isAvailable() { return failure() == null; }

    /** Null when available, else the cause in one phrase. */
    public String cause() {
        Throwable t = failure();
        return t == null ? null : t.getMessage();
    }

    /** The backend; else BackendUnavailableException with the sentence that sentence makes of the cause. */
    public B get(UnaryOperator<String> sentence) {
        Throwable t = failure();
        if (t != null) throw new BackendUnavailableException(sentence.apply(t.getMessage()), t);
        return backend;
    }

    /**
     * One tiny real run through the path every primitive takes: upload, fill C with NaN (which beta = 0 must ignore), a
     * 2x2 gemm, download. Returns b when the product is right, else throws IllegalStateException saying what it gave.
     */
    public static <B extends Backend> B gemmSelfTest(B b) {
        float[] want = {19, 22, 43, 50};
        Buffer x = b.alloc(4), y = b.alloc(4), c = b.alloc(4);
        try {
            b.upload(new float[] {1, 2, 3, 4}, x);
            b.upload(new float[] {5, 6, 7, 8}, y);
            b.fill(c, Float.NaN, 4);
            b.gemm(false, false, 2, 2, 2, 1f, x, y, 0f, c);
            float[] got = new float[4];
            b.download(c, got);
            if (!Arrays.equals(got, want))
                throw new IllegalStateException("a 2x2 gemm gave " + Arrays.toString(got) + " instead of " + Arrays.toString(want));
        } finally {
            b.free(x);
            b.free(y);
            b.free(c);
        }
        return b;
    }
}
