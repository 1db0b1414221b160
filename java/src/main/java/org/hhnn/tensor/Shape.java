package org.hhnn.tensor;

import java.util.Arrays;

/** Shape arithmetic and checks with messages that name the shapes. */
public final class Shape {
    private Shape() {}

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static void check(int[] shape) {
        for (int d : shape)
            if (d <= 0) throw new IllegalArgumentException("shape " + str(shape) + " has a non-positive dimension");
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Resolves one -1 dimension so the product equals size. */
    public static int[] resolve(int[] shape, long size) {
        int[] s = shape.clone();
        int free = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (free >= 0) throw new IllegalArgumentException("reshape " + str(shape) + ": at most one -1");
                free = i;
            } else known *= s[i];
        }
        if (free >= 0) {
            if (known == 0 || size % known != 0)
                throw new IllegalArgumentException("cannot reshape " + size + " elements to " + str(shape));
            s[free] = (int) (size / known);
        }
        if (size(s) != size)
            throw new IllegalArgumentException("cannot reshape " + size + " elements to " + str(shape));
        check(s);
        return s;
    }
}
