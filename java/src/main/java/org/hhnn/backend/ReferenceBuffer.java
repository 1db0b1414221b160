package org.hhnn.backend;

/**
 * Storage of the reference backend: a Java array of doubles. In float32 mode every stored value is
 * rounded to float, so it holds exactly what a float32 buffer would; in float64 mode (gradient
 * checks) it keeps full precision.
 */
public final class ReferenceBuffer extends Buffer {
    public final double[] data;

    ReferenceBuffer(int length) {
        super(length);
        this.data = new double[length];
    }
}
