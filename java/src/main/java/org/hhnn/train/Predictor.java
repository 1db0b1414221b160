package org.hhnn.train;

import org.hhnn.autograd.GradMode;
import org.hhnn.backend.Backend;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/** A trained network applied to new inputs: softmax class probabilities, in eval mode, without a tape. */
public final class Predictor {
    private final Network net;
    private final Backend backend;
    private final int features;

    public Predictor(Network net, Backend backend, int features) {
        this.net = net;
        this.backend = backend;
        this.features = features;
        net.body.train(false);
    }

    /** Probabilities (rows of x, classes) for x holding rows of {@code features} values, batch rows at a time. */
    public float[][] probabilities(float[] x, int batch) {
        int n = x.length / features;
        float[][] out = new float[n][];
        try (GradMode g = GradMode.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                int b = Math.min(batch, n - from);
                float[] rows = java.util.Arrays.copyOfRange(x, from * features, (from + b) * features);
                try (Scope s = Scope.open()) {
                    float[] z = net.forward(Tensor.of(backend, rows, b, features)).toArray();
                    int c = z.length / b;
                    for (int i = 0; i < b; i++) out[from + i] = softmax(z, i * c, c);
                }
            }
        }
        return out;
    }

    /** exp(z - max) / sum, in double, rounded once. */
    static float[] softmax(float[] z, int off, int c) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < c; j++) max = Math.max(max, z[off + j]);
        double[] e = new double[c];
        for (int j = 0; j < c; j++) sum += e[j] = Math.exp(z[off + j] - max);
        float[] p = new float[c];
        for (int j = 0; j < c; j++) p[j] = (float) (e[j] / sum);
        return p;
    }

    /** The first index of the largest value. */
    public static int argmax(float[] p) {
        int a = 0;
        for (int j = 1; j < p.length; j++) if (p[j] > p[a]) a = j;
        return a;
    }
}
