package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;
import org.hhnn.backend.ConvGeom;
import org.hhnn.backend.ConvParityCases;
import org.junit.jupiter.api.Test;

/**
 * The cpu convolution-side primitives (native/cpu_conv.cpp over kernels/conv.cuh) against the reference: the cases of
 * {@link ConvParityCases}, plus the native bounds check of maxPoolBackward's argmax.
 * Run: mvn -B -o test -pl java -Dtest=ConvParityTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ConvParityTest extends ConvParityCases {

    ConvParityTest() { super(new CpuTarget()); }

    @Test void maxPoolBackwardRefusesAnArgmaxOutsideThePlane() {
        Backend cpu = fast();
        ConvGeom g = new ConvGeom(1, 1, 4, 4, 2, 2, 2, 0);
        Buffer dy = alloc(4), arg = alloc(4), dx = alloc(16);
        cpu.upload(new float[] {0, 2, 16, 10}, arg);   // 16 is past the 4x4 plane
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.maxPoolBackward(g, dy, arg, dx));
        assertTrue(e.getMessage().contains("maxPoolBackward") && e.getMessage().contains("4x4"), e.getMessage());
    }
}
