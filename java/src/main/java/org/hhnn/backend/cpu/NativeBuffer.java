package org.hhnn.backend.cpu;

import org.hhnn.backend.Buffer;

/** Storage of the cpu backend: {@code length} floats of 64-byte-aligned off-heap memory at {@code address}. */
public final class NativeBuffer extends Buffer {
    /** The native address (owned by {@link CpuBackend}; 0 is never handed out). */
    final long address;

    NativeBuffer(long length, long address) {
        super(length);
        this.address = address;
    }

    @Override public String toString() {
        return "NativeBuffer[" + length + " floats" + (isFreed() ? ", freed]" : "]");
    }
}
