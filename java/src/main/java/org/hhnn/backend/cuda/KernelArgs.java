package org.hhnn.backend.cuda;

import java.util.Arrays;

/**
 * The arguments of one kernel launch, in order, each with its kind: {@code p} device pointer, {@code i} 32-bit int,
 * {@code l} 64-bit integer, {@code f} float, {@code d} double (the letters of kernels/emu_shim.h's signatures).
 * Values are kept as 64-bit slots (a 32-bit value in the low half), which is what {@link EmulatedDevice} hands to
 * native code and what {@link JCudaDevice} turns into cuLaunchKernel's parameter pointers.
 */
public final class KernelArgs {
    private long[] slots = new long[16];
    private final StringBuilder kinds = new StringBuilder();

    public static KernelArgs of() { return new KernelArgs(); }

    private KernelArgs add(char kind, long bits) {
        int n = kinds.length();
        if (n == slots.length) slots = Arrays.copyOf(slots, 2 * n);
        slots[n] = bits;
        kinds.append(kind);
        return this;
    }

    /** A device address (0 for a null pointer). */
    public KernelArgs ptr(long address) { return add('p', address); }

    public KernelArgs i32(int v) { return add('i', v & 0xffffffffL); }

    public KernelArgs i32(boolean v) { return i32(v ? 1 : 0); }

    public KernelArgs i64(long v) { return add('l', v); }

    public KernelArgs f32(float v) { return add('f', Float.floatToRawIntBits(v) & 0xffffffffL); }

    public KernelArgs f64(double v) { return add('d', Double.doubleToRawLongBits(v)); }

    public int count() { return kinds.length(); }

    /** One letter per argument, e.g. "pfl". */
    public String kinds() { return kinds.toString(); }

    public char kind(int i) { return kinds.charAt(i); }

    /** The raw 64-bit slot of argument i. */
    public long slot(int i) { return slots[i]; }

    public long[] slots() { return Arrays.copyOf(slots, kinds.length()); }
}
