package org.hhnn.nn;

import java.util.SplittableRandom;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * A learnable activation made of Legendre polynomials (HHNN paper 2.4), usable on any layer:
 * per-neuron y_j = Σ_k A_jk P_k(clamp(x_j, −1, 1)) with A (M, D+1), or, in the dense ("KAN") form,
 * y = A · vec(P(x)) + c with A (out, M(D+1)). Per-neuron coefficients start as the identity on
 * [−1, 1] (A_j1 = 1) plus small noise.
 */
public final class LegendreActivation extends Module {
    public final int features, degree, denseOut;
    private final Tensor coeffs, bias;

    /** Per-neuron form over features inputs. */
    public LegendreActivation(Backend backend, int features, int degree, SplittableRandom rng) {
        this(backend, features, degree, 0, rng);
    }

    /** Dense form when denseOut > 0 (output width denseOut), per-neuron otherwise. */
    public LegendreActivation(Backend backend, int features, int degree, int denseOut, SplittableRandom rng) {
        if (degree < 0 || degree > 16) throw new IllegalArgumentException("Legendre degree must be in [0, 16], got " + degree);
        this.features = features;
        this.degree = degree;
        this.denseOut = denseOut;
        int k = degree + 1;
        if (denseOut > 0) {
            coeffs = param("legendre", backend, Init.glorotUniform(rng, denseOut * features * k, features * k, denseOut), denseOut, features * k);
            bias = param("legendre_bias", backend, new float[denseOut], denseOut);
        } else {
            float[] a = Init.uniform(rng, features * k, 0.05);
            if (k > 1) for (int j = 0; j < features; j++) a[j * k + 1] += 1f;
            coeffs = param("legendre", backend, a, features, k);
            bias = null;
        }
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim(-1) != features)
            throw new IllegalArgumentException("Legendre activation expects " + features + " features in the last axis, got " + x);
        if (denseOut == 0) return Ops.legendre(x, coeffs);
        int rows = Math.toIntExact(x.size() / features);
        Tensor basis = Ops.legendreBasis(x, degree);
        return Ops.linear(Ops.reshape(basis, rows, features * (degree + 1)), coeffs, bias);
    }
}
