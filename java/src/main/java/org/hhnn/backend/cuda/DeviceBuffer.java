package org.hhnn.backend.cuda;

import org.hhnn.backend.Buffer;

/** Storage of the cuda backends: {@code length} floats of device memory at {@code address} on {@code device}. */
public final class DeviceBuffer extends Buffer {
    /** The device that owns the memory (a buffer of one cuda backend is refused by another). */
    final Device device;
    /** The device address (never 0; freed through {@link Device#free}). */
    final long address;

    DeviceBuffer(Device device, long length, long address) {
        super(length);
        this.device = device;
        this.address = address;
    }

    /** The device address, for libraries that take device pointers themselves (NCCL in org.hhnn.dist). */
    public long address() { return address; }

    @Override public String toString() {
        return "DeviceBuffer[" + device.name() + ", " + length + " floats" + (isFreed() ? ", freed]" : "]");
    }
}
