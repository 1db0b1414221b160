package org.hhnn.autograd;

/**
 * Turns recording on or off for the current thread. {@code try (var g = GradMode.noGrad()) {...}}
 * runs evaluation without building a tape.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = ENABLED.get()[0];
        ENABLED.get()[0] = enabled;
    }

    public static GradMode noGrad() { return new GradMode(false); }

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    @Override public void close() { ENABLED.get()[0] = previous; }
}
