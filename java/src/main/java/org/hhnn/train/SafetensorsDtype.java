package org.hhnn.train;

import java.nio.ByteBuffer;

/**
 * The safetensors element types hhnn reads, each converted to float32 on load (hhnn computes in float32):
 * <ul>
 *   <li>{@code F32}: as is;</li>
 *   <li>{@code F16}, {@code BF16}: exactly (every half and bfloat16 value is a float32 value);</li>
 *   <li>{@code F64}: rounded to the nearest float32 (values beyond its range become infinite);</li>
 *   <li>{@code I8}, {@code I16}, {@code U8}, {@code U16}, {@code BOOL}: exactly;</li>
 *   <li>{@code I32}, {@code U32}, {@code I64}, {@code U64}: to the nearest float32 (exact up to 2^24 in magnitude),
 *       as PyTorch's {@code tensor.float()} does.</li>
 * </ul>
 * hhnn writes only F32. Other safetensors types (F8 variants, complex) are refused with the file and tensor named.
 */
enum SafetensorsDtype {
    F32(4), F16(2), BF16(2), F64(8), I8(1), U8(1), I16(2), U16(2), I32(4), U32(4), I64(8), U64(8), BOOL(1);

    /** Bytes per element. */
    final int bytes;

    SafetensorsDtype(int bytes) { this.bytes = bytes; }

    /** The type called {@code name} in a header, or null if hhnn does not read it. */
    static SafetensorsDtype of(String name) {
        for (SafetensorsDtype d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    /** Converts {@code n} elements from {@code in} (little-endian, positioned at the first) into {@code out[off..off+n)}. */
    void decode(ByteBuffer in, float[] out, int off, int n) {
        switch (this) {
            case F32 -> in.asFloatBuffer().get(out, off, n);
            case F16 -> { for (int i = 0; i < n; i++) out[off + i] = halfToFloat(in.getShort()); }
            case BF16 -> { for (int i = 0; i < n; i++) out[off + i] = Float.intBitsToFloat((in.getShort() & 0xffff) << 16); }
            case F64 -> { for (int i = 0; i < n; i++) out[off + i] = (float) in.getDouble(); }
            case I8 -> { for (int i = 0; i < n; i++) out[off + i] = in.get(); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[off + i] = in.get() & 0xff; }
            case I16 -> { for (int i = 0; i < n; i++) out[off + i] = in.getShort(); }
            case U16 -> { for (int i = 0; i < n; i++) out[off + i] = in.getShort() & 0xffff; }
            case I32 -> { for (int i = 0; i < n; i++) out[off + i] = in.getInt(); }
            case U32 -> { for (int i = 0; i < n; i++) out[off + i] = in.getInt() & 0xffffffffL; }
            case I64 -> { for (int i = 0; i < n; i++) out[off + i] = in.getLong(); }
            case U64 -> { for (int i = 0; i < n; i++) out[off + i] = unsignedToFloat(in.getLong()); }
        }
    }

    /** IEEE binary16 to float32, exactly (Float.float16ToFloat arrives only in Java 20). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));  // inf, NaN (payload kept)
        if (exp == 0) return sign != 0 ? -(mant * 0x1p-24f) : mant * 0x1p-24f;  // ±0 and subnormals, exact
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** An unsigned 64-bit integer, rounded once to the nearest float32. */
    private static float unsignedToFloat(long v) {
        if (v >= 0) return v;
        // Halve with the lost bit kept sticky so the rounding of the half is the rounding of the whole.
        return 2f * (float) ((v >>> 1) | (v & 1));
    }
}
