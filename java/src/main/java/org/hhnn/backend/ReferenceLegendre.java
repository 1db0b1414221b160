package org.hhnn.backend;

/**
 * The reference Legendre primitives ({@link Backend#legendreForward} and friends; DESIGN.md § "HH layer:
 * the exact model", paper 2.1/2.4/3.4). Plain loops in float64, results rounded by {@link ReferenceBackend#round}
 * when stored. Clamp semantics of the contract: the polynomials are evaluated at clamp(x, −1, 1); the gradient
 * with respect to x is 0 where |x| &gt; 1 strictly (at |x| = 1 it is P'_k(±1)).
 *
 * <p>{@link #values} and {@link #derivatives} are also the readout basis of {@link ReferenceHh}.
 */
final class ReferenceLegendre {
    private ReferenceLegendre() {}

    /** p[k] = P_k(x) for k = 0..degree, by Bonnet's recurrence (k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}. */
    static void values(double x, int degree, double[] p) {
        p[0] = 1;
        if (degree >= 1) p[1] = x;
        for (int k = 1; k < degree; k++)
            p[k + 1] = ((2 * k + 1) * x * p[k] - k * p[k - 1]) / (k + 1);
    }

    /**
     * dp[k] = P'_k(x) given p[k] = P_k(x), from the identity P'_k = Σ_{j = k−1, k−3, … ≥ 0} (2j+1)·P_j (the
     * Legendre expansion of P'_k). Written as the explicit sum on purpose: it is a formula independent of the
     * recurrences a fast backend would use, needs no division by x²−1 and so has no special case at ±1, where it
     * gives the exact endpoint values P'_k(±1) = (±1)^{k+1}·k(k+1)/2.
     */
    static void derivatives(int degree, double[] p, double[] dp) {
        for (int k = 0; k <= degree; k++) {
            double s = 0;
            for (int j = k - 1; j >= 0; j -= 2) s += (2 * j + 1) * p[j];
            dp[k] = s;
        }
    }

    static double clamp(double x) { return Math.max(-1.0, Math.min(1.0, x)); }

    /** True where the clamp passes a gradient (the contract: none where |x| &gt; 1 strictly). */
    static boolean passesGradient(double x) { return Math.abs(x) <= 1.0; }

    // ---- primitives -------------------------------------------------------------------------

    static void forward(ReferenceBackend rb, Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        String op = "legendreForward";
        checkShape(op, rows, cols, degree);
        int kk = degree + 1;
        need(op, "x", x, (long) rows * cols, rows + " x " + cols);
        need(op, "coeffs", coeffs, (long) cols * kk, cols + " x " + kk);
        need(op, "y", y, (long) rows * cols, rows + " x " + cols);
        double[] X = ReferenceBackend.data(x), A = ReferenceBackend.data(coeffs), Y = ReferenceBackend.data(y);
        double[] p = new double[kk];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                values(clamp(X[r * cols + j]), degree, p);
                double s = 0;
                for (int k = 0; k < kk; k++) s += A[j * kk + k] * p[k];
                Y[r * cols + j] = rb.round(s);
            }
    }

    static void backward(ReferenceBackend rb, Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs,
                         int rows, int cols, int degree) {
        String op = "legendreBackward";
        checkShape(op, rows, cols, degree);
        int kk = degree + 1;
        need(op, "x", x, (long) rows * cols, rows + " x " + cols);
        need(op, "coeffs", coeffs, (long) cols * kk, cols + " x " + kk);
        need(op, "dy", dy, (long) rows * cols, rows + " x " + cols);
        need(op, "dx", dx, (long) rows * cols, rows + " x " + cols);
        if (dCoeffs != null) need(op, "dCoeffs", dCoeffs, (long) cols * kk, cols + " x " + kk);
        double[] X = ReferenceBackend.data(x), A = ReferenceBackend.data(coeffs), DY = ReferenceBackend.data(dy);
        double[] DX = ReferenceBackend.data(dx);
        double[] dA = new double[cols * kk];   // the batch sum, added to dCoeffs once at the end
        double[] p = new double[kk], dp = new double[kk];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                double xv = X[r * cols + j], g = DY[r * cols + j];
                values(clamp(xv), degree, p);
                derivatives(degree, p, dp);
                double s = 0;
                for (int k = 0; k < kk; k++) {
                    s += A[j * kk + k] * dp[k];
                    dA[j * kk + k] += g * p[k];
                }
                DX[r * cols + j] = rb.round(passesGradient(xv) ? g * s : 0.0);
            }
        if (dCoeffs != null) addInto(rb, dA, ReferenceBackend.data(dCoeffs));
    }

    static void basis(ReferenceBackend rb, Buffer x, Buffer basis, int rows, int cols, int degree) {
        String op = "legendreBasis";
        checkShape(op, rows, cols, degree);
        int kk = degree + 1;
        need(op, "x", x, (long) rows * cols, rows + " x " + cols);
        need(op, "basis", basis, (long) rows * cols * kk, rows + " x " + cols + " x " + kk);
        double[] X = ReferenceBackend.data(x), P = ReferenceBackend.data(basis);
        double[] p = new double[kk];
        for (int i = 0; i < rows * cols; i++) {
            values(clamp(X[i]), degree, p);
            for (int k = 0; k < kk; k++) P[i * kk + k] = rb.round(p[k]);
        }
    }

    static void basisBackward(ReferenceBackend rb, Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        String op = "legendreBasisBackward";
        checkShape(op, rows, cols, degree);
        int kk = degree + 1;
        need(op, "x", x, (long) rows * cols, rows + " x " + cols);
        need(op, "dBasis", dBasis, (long) rows * cols * kk, rows + " x " + cols + " x " + kk);
        need(op, "dx", dx, (long) rows * cols, rows + " x " + cols);
        double[] X = ReferenceBackend.data(x), DB = ReferenceBackend.data(dBasis), DX = ReferenceBackend.data(dx);
        double[] p = new double[kk], dp = new double[kk];
        for (int i = 0; i < rows * cols; i++) {
            if (!passesGradient(X[i])) { DX[i] = 0; continue; }
            values(clamp(X[i]), degree, p);
            derivatives(degree, p, dp);
            double s = 0;
            for (int k = 0; k < kk; k++) s += DB[i * kk + k] * dp[k];
            DX[i] = rb.round(s);
        }
    }

    static void neuronReadout(ReferenceBackend rb, Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        String op = "neuronReadout";
        checkReadoutShape(op, batch, neurons, k);
        need(op, "basis", basis, (long) batch * neurons * k, batch + " x " + neurons + " x " + k);
        need(op, "coeffs", coeffs, (long) neurons * k, neurons + " x " + k);
        need(op, "y", y, (long) batch * neurons, batch + " x " + neurons);
        double[] P = ReferenceBackend.data(basis), A = ReferenceBackend.data(coeffs), Y = ReferenceBackend.data(y);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) s += P[(b * neurons + j) * k + q] * A[j * k + q];
                Y[b * neurons + j] = rb.round(s);
            }
    }

    static void neuronReadoutBackward(ReferenceBackend rb, Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis,
                                      Buffer dCoeffs, int batch, int neurons, int k) {
        String op = "neuronReadoutBackward";
        checkReadoutShape(op, batch, neurons, k);
        need(op, "basis", basis, (long) batch * neurons * k, batch + " x " + neurons + " x " + k);
        need(op, "coeffs", coeffs, (long) neurons * k, neurons + " x " + k);
        need(op, "dy", dy, (long) batch * neurons, batch + " x " + neurons);
        if (dBasis != null) need(op, "dBasis", dBasis, (long) batch * neurons * k, batch + " x " + neurons + " x " + k);
        if (dCoeffs != null) need(op, "dCoeffs", dCoeffs, (long) neurons * k, neurons + " x " + k);
        double[] P = ReferenceBackend.data(basis), A = ReferenceBackend.data(coeffs), DY = ReferenceBackend.data(dy);
        double[] DB = dBasis == null ? null : ReferenceBackend.data(dBasis);
        double[] dA = new double[neurons * k];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                double g = DY[b * neurons + j];
                for (int q = 0; q < k; q++) {
                    int i = (b * neurons + j) * k + q;
                    if (DB != null) DB[i] = rb.round(g * A[j * k + q]);
                    dA[j * k + q] += g * P[i];
                }
            }
        if (dCoeffs != null) addInto(rb, dA, ReferenceBackend.data(dCoeffs));
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** dst[i] += sum[i] (the "accumulated" outputs of the contract), one rounding per entry. */
    private static void addInto(ReferenceBackend rb, double[] sum, double[] dst) {
        for (int i = 0; i < sum.length; i++) dst[i] = rb.round(dst[i] + sum[i]);
    }

    private static void checkShape(String op, int rows, int cols, int degree) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(op + ": rows and cols must be >= 0, got " + rows + " x " + cols);
        if (degree < 0) throw new IllegalArgumentException(op + ": Legendre degree must be >= 0, got " + degree);
    }

    private static void checkReadoutShape(String op, int batch, int neurons, int k) {
        if (batch < 0 || neurons < 0 || k < 0)
            throw new IllegalArgumentException(op + ": batch, neurons and k must be >= 0, got " + batch + ", " + neurons + ", " + k);
    }

    /** Fails with a message naming the primitive, the buffer and both sizes when b is missing or too short. */
    static void need(String op, String name, Buffer b, long n, String shape) {
        if (b == null) throw new IllegalArgumentException(op + ": " + name + " is null but (" + shape + ") needs " + n + " floats");
        if (b.length < n)
            throw new IllegalArgumentException(op + ": " + name + " holds " + b.length + " floats but (" + shape + ") needs " + n);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": " + name + " (" + shape + ") exceeds 2^31-1 floats");
    }
}
