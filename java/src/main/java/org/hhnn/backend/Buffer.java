package org.hhnn.backend;

/**
 * A flat float32 storage owned by one {@link Backend}. Each backend has its own subclass
 * (a Java array for {@code reference}, an off-heap pointer for {@code cpu}); primitives cast
 * to it. Buffers are freed explicitly through {@link Backend#free}, normally by a
 * {@link org.hhnn.tensor.Scope}.
 */
public abstract class Buffer {
    /** Number of float elements. */
    public final long length;
    private final java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();

    protected Buffer(long length) {
        if (length < 0) throw new IllegalArgumentException("buffer length must be >= 0, got " + length);
        this.length = length;
    }

    public final boolean isFreed() { return freed.get(); }

    /** Marks the buffer freed; returns false if it already was (double free is a no-op). */
    public final boolean markFreed() {
        return freed.compareAndSet(false, true); // atomic: two threads freeing at once free the memory once
    }

    public final void checkLive() {
        if (freed.get()) throw new IllegalStateException("use of a freed buffer (" + length + " floats): a tensor was used after its scope closed");
    }
}
