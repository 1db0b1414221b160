package org.hhnn.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * Finite-difference gradient checker on the float64 reference backend: the analytic gradient of
 * L = Σ f(inputs) ⊙ R (R fixed random weights, independent of the inputs) from the tape against central differences
 * (L(x+h) − L(x−h)) / 2h with h = 1e-6. Returns the worst relative error over all inputs,
 * ‖g_tape − g_fd‖₂ / max(‖g_fd‖₂, 1e-12).
 */
public final class GradCheck {
    private GradCheck() {}

    static final ReferenceBackend F64 = ReferenceBackend.f64();

    public static Tensor tensor(double[] data, int... shape) {
        Tensor t = Tensor.zeros(F64, shape);
        F64.uploadDouble(data, t.buffer());
        return t;
    }

    public static double[] random(Random rng, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.nextDouble();
        return a;
    }

    /** (L(v_i + h) − L(v_i − h)) / 2h, restoring v_i; v is uploaded to buf (float64) before each read of loss. */
    public static double central(double[] v, int i, double h, org.hhnn.backend.Buffer buf, DoubleSupplier loss) {
        double keep = v[i];
        v[i] = keep + h;
        F64.uploadDouble(v, buf);
        double lp = loss.getAsDouble();
        v[i] = keep - h;
        F64.uploadDouble(v, buf);
        double lm = loss.getAsDouble();
        v[i] = keep;
        F64.uploadDouble(v, buf);
        return (lp - lm) / (2 * h);
    }

    /** Asserts {@link #maxRelError} ≤ tol, the message naming what and the seed that replays it. */
    public static void assertWithin(double tol, String what, Function<List<Tensor>, Tensor> f, long seed, List<double[]> data, List<int[]> shapes) {
        double err = maxRelError(f, seed, data, shapes);
        if (!(err <= tol)) throw new AssertionError(what + ": relative gradient error " + err + " > " + tol + " (seed " + seed + ")");
    }

    /** A check of f at the given inputs; each input is {data, shape}. */
    public static double maxRelError(Function<List<Tensor>, Tensor> f, long seed, List<double[]> data, List<int[]> shapes) {
        try (Scope s = Scope.open()) {
            // R from a generator of another kind than the java.util.Random(seed) tests draw their inputs from, so the
            // weights are independent of the inputs (the same stream would make R a function of the first input).
            SplittableRandom rng = new SplittableRandom(seed);
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) inputs.add(tensor(data.get(i), shapes.get(i)).setRequiresGrad(true));
            Tensor out0;
            try (GradMode g = GradMode.noGrad()) { out0 = f.apply(inputs); }
            double[] r = rng.doubles(out0.size(), -1, 1).toArray();

            Tensor loss = loss(f, inputs, r);
            Tape.backward(loss);
            double worst = 0;
            for (int i = 0; i < inputs.size(); i++) {
                Tensor in = inputs.get(i);
                double[] analytic = in.grad() == null ? new double[(int) in.size()] : F64.downloadDouble(in.grad().buffer());
                double[] x = data.get(i);
                double[] numeric = new double[x.length];
                double h = 1e-6;
                for (int j = 0; j < x.length; j++) numeric[j] = central(x, j, h, in.buffer(), () -> value(f, inputs, r));
                double num = 0, den = 0;
                for (int j = 0; j < x.length; j++) {
                    num += (analytic[j] - numeric[j]) * (analytic[j] - numeric[j]);
                    den += numeric[j] * numeric[j];
                }
                worst = Math.max(worst, Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12));
                if (in.grad() != null) { in.grad().free(); in.setGrad(null); }
            }
            return worst;
        }
    }

    private static Tensor loss(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double[] r) {
        Tensor out = f.apply(inputs);
        Tensor w = tensor(r, out.shape());
        return Ops.sum(Ops.mul(out, w));
    }

    private static double value(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double[] r) {
        try (GradMode g = GradMode.noGrad(); Scope s = Scope.open()) {
            Tensor l = loss(f, inputs, r);
            return F64.downloadDouble(l.buffer())[0];
        }
    }
}
