package org.hhnn.backend.cpu;

import static org.hhnn.backend.cpu.CpuBackend.addr;
import static org.hhnn.backend.cpu.CpuBackend.matrix;
import static org.hhnn.backend.cpu.CpuBackend.nonNegative;

import org.hhnn.backend.Buffer;

/**
 * The cpu backend's Legendre primitives ({@link org.hhnn.backend.Backend#legendreForward} and friends, the
 * per-neuron readout): validates every argument, then calls {@code native/cpu_legendre.cpp} (math in
 * {@code kernels/legendre.cuh}). Twin: ReferenceLegendre. Tested by LegendreParityTest.
 */
final class CpuLegendre {
    private CpuLegendre() {}

    private static native void legendreForward(long x, long coeffs, long y, int rows, int cols, int degree);
    // dCoeffs may be 0 (= null).
    private static native void legendreBackward(long x, long coeffs, long dy, long dx, long dCoeffs, int rows, int cols, int degree);
    private static native void legendreBasis(long x, long basis, int rows, int cols, int degree);
    private static native void legendreBasisBackward(long x, long dBasis, long dx, int rows, int cols, int degree);
    private static native void neuronReadout(long basis, long coeffs, long y, int batch, int neurons, int k);
    // dBasis and dCoeffs may be 0 (= null).
    private static native void neuronReadoutBackward(long basis, long coeffs, long dy, long dBasis, long dCoeffs,
                                                     int batch, int neurons, int k);

    static void forward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        String p = "legendreForward";
        long rc = shape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        legendreForward(addr(p, "x", x, rc, "rows*cols"), addr(p, "coeffs", coeffs, ck, "cols*(degree+1)"),
                addr(p, "y", y, rc, "rows*cols"), rows, cols, degree);
    }

    static void backward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs, int rows, int cols, int degree) {
        String p = "legendreBackward";
        long rc = shape(p, rows, cols, degree), ck = (long) cols * (degree + 1);
        legendreBackward(addr(p, "x", x, rc, "rows*cols"), addr(p, "coeffs", coeffs, ck, "cols*(degree+1)"),
                addr(p, "dy", dy, rc, "rows*cols"), addr(p, "dx", dx, rc, "rows*cols"),
                dCoeffs == null ? 0L : addr(p, "dCoeffs", dCoeffs, ck, "cols*(degree+1)"), rows, cols, degree);
    }

    static void basis(Buffer x, Buffer basis, int rows, int cols, int degree) {
        String p = "legendreBasis";
        long rc = shape(p, rows, cols, degree);
        legendreBasis(addr(p, "x", x, rc, "rows*cols"),
                addr(p, "basis", basis, rc * (degree + 1), "rows*cols*(degree+1)"), rows, cols, degree);
    }

    static void basisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        String p = "legendreBasisBackward";
        long rc = shape(p, rows, cols, degree);
        legendreBasisBackward(addr(p, "x", x, rc, "rows*cols"),
                addr(p, "dBasis", dBasis, rc * (degree + 1), "rows*cols*(degree+1)"),
                addr(p, "dx", dx, rc, "rows*cols"), rows, cols, degree);
    }

    static void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        String p = "neuronReadout";
        long bm = readoutShape(p, batch, neurons, k);
        neuronReadout(addr(p, "basis", basis, bm * k, "batch*neurons*k"), addr(p, "coeffs", coeffs, (long) neurons * k, "neurons*k"),
                addr(p, "y", y, bm, "batch*neurons"), batch, neurons, k);
    }

    static void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis, Buffer dCoeffs,
                                      int batch, int neurons, int k) {
        String p = "neuronReadoutBackward";
        long bm = readoutShape(p, batch, neurons, k);
        neuronReadoutBackward(addr(p, "basis", basis, bm * k, "batch*neurons*k"),
                addr(p, "coeffs", coeffs, (long) neurons * k, "neurons*k"), addr(p, "dy", dy, bm, "batch*neurons"),
                dBasis == null ? 0L : addr(p, "dBasis", dBasis, bm * k, "batch*neurons*k"),
                dCoeffs == null ? 0L : addr(p, "dCoeffs", dCoeffs, (long) neurons * k, "neurons*k"), batch, neurons, k);
    }

    // rows*cols after checking the shape; the degree has no upper bound (the native code sizes its scratch from it).
    private static long shape(String p, int rows, int cols, int degree) {
        matrix(p, rows, cols);
        nonNegative(p, "degree", degree);
        if (degree == Integer.MAX_VALUE) throw new IllegalArgumentException(p + ": degree " + degree + " is too large");
        return (long) rows * cols;
    }

    private static long readoutShape(String p, int batch, int neurons, int k) {
        nonNegative(p, "batch", batch);
        nonNegative(p, "neurons", neurons);
        nonNegative(p, "k", k);
        return (long) batch * neurons;
    }
}
