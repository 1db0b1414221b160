package org.hhnn.backend;

/**
 * The reference Legendre primitives ({@link Backend#legendreForward} and friends; DESIGN.md § "HH layer:
 * the exact model", paper 2.1/2.4/3.4). Plain loops in float64, results rounded by {@link ReferenceBackend#round}
 * when stored. Clamp semantics of the contract: the polynomials are evaluated at clamp(x, −1, 1); the gradient
 * with respect to x is 0 where |x| &gt; 1 strictly (at |x| = 1 it is P'_k(±1)).
 *
 * <p>{@link #values} and {@link #derivatives} are also the readout basis of {@link ReferenceHh}.
 */
sealed interface ReferenceLegendre extends Backend permits ReferenceBackend {

    /** The storage rounding of the reference this is part of ({@link ReferenceBackend#round}). */
    private double round(double v) { return ((ReferenceBackend) this).round(v); }

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

    @Override default void legendreForward(Buffer x, Buffer coeffs, Buffer y, int rows, int cols, int degree) {
        String op = "legendreForward";
        int kk = checkShape(op, x, rows, cols, degree);
        need(op, "coeffs", coeffs, cols, kk);
        need(op, "y", y, rows, cols);
        double[] X = ReferenceBackend.data(x), A = ReferenceBackend.data(coeffs), Y = ReferenceBackend.data(y);
        double[] p = new double[kk];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                values(clamp(X[r * cols + j]), degree, p);
                double s = 0;
                for (int k = 0; k < kk; k++) s += A[j * kk + k] * p[k];
                Y[r * cols + j] = round(s);
            }
    }

    @Override default void legendreBackward(Buffer x, Buffer coeffs, Buffer dy, Buffer dx, Buffer dCoeffs,
                                            int rows, int cols, int degree) {
        String op = "legendreBackward";
        int kk = checkShape(op, x, rows, cols, degree);
        need(op, "coeffs", coeffs, cols, kk);
        need(op, "dy", dy, rows, cols);
        need(op, "dx", dx, rows, cols);
        if (dCoeffs != null) need(op, "dCoeffs", dCoeffs, cols, kk);
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
                DX[r * cols + j] = round(passesGradient(xv) ? g * s : 0.0);
            }
        if (dCoeffs != null) addInto(dA, ReferenceBackend.data(dCoeffs));
    }

    @Override default void legendreBasis(Buffer x, Buffer basis, int rows, int cols, int degree) {
        String op = "legendreBasis";
        int kk = checkShape(op, x, rows, cols, degree);
        need(op, "basis", basis, rows, cols, kk);
        double[] X = ReferenceBackend.data(x), P = ReferenceBackend.data(basis);
        double[] p = new double[kk];
        for (int i = 0; i < rows * cols; i++) {
            values(clamp(X[i]), degree, p);
            for (int k = 0; k < kk; k++) P[i * kk + k] = round(p[k]);
        }
    }

    @Override default void legendreBasisBackward(Buffer x, Buffer dBasis, Buffer dx, int rows, int cols, int degree) {
        String op = "legendreBasisBackward";
        int kk = checkShape(op, x, rows, cols, degree);
        need(op, "dBasis", dBasis, rows, cols, kk);
        need(op, "dx", dx, rows, cols);
        double[] X = ReferenceBackend.data(x), DB = ReferenceBackend.data(dBasis), DX = ReferenceBackend.data(dx);
        double[] p = new double[kk], dp = new double[kk];
        for (int i = 0; i < rows * cols; i++) {
            if (!passesGradient(X[i])) { DX[i] = 0; continue; }
            values(clamp(X[i]), degree, p);
            derivatives(degree, p, dp);
            double s = 0;
            for (int k = 0; k < kk; k++) s += DB[i * kk + k] * dp[k];
            DX[i] = round(s);
        }
    }

    @Override default void neuronReadout(Buffer basis, Buffer coeffs, Buffer y, int batch, int neurons, int k) {
        String op = "neuronReadout";
        checkReadoutShape(op, batch, neurons, k);
        need(op, "basis", basis, batch, neurons, k);
        need(op, "coeffs", coeffs, neurons, k);
        need(op, "y", y, batch, neurons);
        double[] P = ReferenceBackend.data(basis), A = ReferenceBackend.data(coeffs), Y = ReferenceBackend.data(y);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) s += P[(b * neurons + j) * k + q] * A[j * k + q];
                Y[b * neurons + j] = round(s);
            }
    }

    @Override default void neuronReadoutBackward(Buffer basis, Buffer coeffs, Buffer dy, Buffer dBasis,
                                                 Buffer dCoeffs, int batch, int neurons, int k) {
        String op = "neuronReadoutBackward";
        checkReadoutShape(op, batch, neurons, k);
        need(op, "basis", basis, batch, neurons, k);
        need(op, "coeffs", coeffs, neurons, k);
        need(op, "dy", dy, batch, neurons);
        if (dBasis != null) need(op, "dBasis", dBasis, batch, neurons, k);
        if (dCoeffs != null) need(op, "dCoeffs", dCoeffs, neurons, k);
        double[] P = ReferenceBackend.data(basis), A = ReferenceBackend.data(coeffs), DY = ReferenceBackend.data(dy);
        double[] DB = dBasis == null ? null : ReferenceBackend.data(dBasis);
        double[] dA = new double[neurons * k];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < neurons; j++) {
                double g = DY[b * neurons + j];
                for (int q = 0; q < k; q++) {
                    int i = (b * neurons + j) * k + q;
                    if (DB != null) DB[i] = round(g * A[j * k + q]);
                    dA[j * k + q] += g * P[i];
                }
            }
        if (dCoeffs != null) addInto(dA, ReferenceBackend.data(dCoeffs));
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** dst[i] += sum[i] (the "accumulated" outputs of the contract), one rounding per entry. */
    private void addInto(double[] sum, double[] dst) {
        for (int i = 0; i < sum.length; i++) dst[i] = round(dst[i] + sum[i]);
    }

    /** Checks the sizes and x (rows x cols); returns degree + 1, the basis length. */
    private static int checkShape(String op, Buffer x, int rows, int cols, int degree) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(op + ": rows and cols must be >= 0, got " + rows + " x " + cols);
        if (degree < 0) throw new IllegalArgumentException(op + ": Legendre degree must be >= 0, got " + degree);
        need(op, "x", x, rows, cols);
        return degree + 1;
    }

    private static void checkReadoutShape(String op, int batch, int neurons, int k) {
        if (batch < 0 || neurons < 0 || k < 0)
            throw new IllegalArgumentException(op + ": batch, neurons and k must be >= 0, got " + batch + ", " + neurons + ", " + k);
    }

    /** {@link #need(String, String, Buffer, long, String)} for a buffer of shape dims (d0 x d1 x …). */
    static void need(String op, String name, Buffer b, long... dims) {
        long n = 1;
        StringBuilder shape = new StringBuilder();
        for (long d : dims) {
            n *= d;
            shape.append(shape.length() == 0 ? "" : " x ").append(d);
        }
        need(op, name, b, n, shape.toString());
    }

    /** Fails with a message naming the primitive, the buffer and both sizes when b is missing or too short. */
    static void need(String op, String name, Buffer b, long n, String shape) {
        if (b == null) throw new IllegalArgumentException(op + ": " + name + " is null but (" + shape + ") needs " + n + " floats");
        if (b.length < n)
            throw new IllegalArgumentException(op + ": " + name + " holds " + b.length + " floats but (" + shape + ") needs " + n);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": " + name + " (" + shape + ") exceeds 2^31-1 floats");
    }
}
