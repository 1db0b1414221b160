package org.hhnn.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Network;
import org.hhnn.train.Predictor;
import org.hhnn.train.Safetensors;
import org.hhnn.train.Safetensors.NamedTensor;

/**
 * Ensembling as the HHNN paper's §4.4 does it: the class probabilities of several trained runs of a model, averaged
 * item by item over the test set, and the accuracy of the average. Each run leaves its test probabilities beside its
 * metrics ({@link #save}), so a comparison resumed later, or gathered from MPI ranks, can still ensemble its runs.
 */
final class Ensemble {
    private Ensemble() {}

    /** The file beside a run's metrics file that holds its test probabilities. */
    static Path file(Path metrics) {
        String name = metrics.getFileName().toString().replaceFirst("\\.json$", "");
        return metrics.resolveSibling(name + ".test-probs.safetensors");
    }

    /** Writes net's softmax probabilities on test (items, classes) and the labels, beside the run's metrics. */
    static void save(Path metrics, Network net, Backend backend, Dataset test) {
        float[][] p = new Predictor(net, backend, test.features()).probabilities(test.x(), 256);
        int c = p.length == 0 ? 0 : p[0].length;
        float[] flat = new float[p.length * c];
        for (int i = 0; i < p.length; i++) System.arraycopy(p[i], 0, flat, i * c, c);
        float[] labels = new float[test.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = test.y()[i];
        Safetensors.write(file(metrics), List.of(new NamedTensor("probs", new int[] {p.length, c}, flat),
                new NamedTensor("labels", new int[] {labels.length}, labels)), Map.of("what", "hhnn compare: a run's test probabilities"));
    }

    /** The ensemble of some runs: its accuracy and mean negative log-likelihood of the averaged probabilities. */
    record Result(double accuracy, double nll, int members, int items) {}

    /** Averages the probabilities the runs' metrics files' neighbours hold; each must exist and match the first. */
    static Result of(List<Path> metricsFiles) {
        float[] sum = null, labels = null;
        int[] shape = null;
        for (Path m : metricsFiles) {
            Path f = file(m);
            if (!Files.isRegularFile(f))
                throw new IllegalArgumentException(f + " is missing: --ensemble needs each run's test probabilities; delete " + m + " to redo that run");
            Safetensors.Loaded l = Safetensors.read(f);
            NamedTensor p = l.tensors().get("probs"), y = l.tensors().get("labels");
            if (p == null || y == null || p.shape().length != 2 || y.data().length != p.shape()[0])
                throw new IllegalArgumentException(f + " does not hold a run's probs (items, classes) and labels; delete " + m + " to redo that run");
            if (sum == null) {
                sum = new float[p.data().length];
                labels = y.data();
                shape = p.shape();
            } else if (!Arrays.equals(shape, p.shape()) || !Arrays.equals(labels, y.data())) {
                throw new IllegalArgumentException(f + " holds probabilities of another test set than " + file(metricsFiles.get(0))
                        + " (" + Arrays.toString(p.shape()) + " against " + Arrays.toString(shape) + "); an ensemble averages runs on the same items");
            }
            for (int i = 0; i < sum.length; i++) sum[i] += p.data()[i];
        }
        int n = shape[0], c = shape[1], k = metricsFiles.size();
        long correct = 0;
        double nll = 0;
        float[] row = new float[c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) row[j] = sum[i * c + j] / k;
            int label = (int) labels[i];
            if (Predictor.argmax(row) == label) correct++;
            nll -= Math.log(Math.max(row[label], 1e-30));
        }
        return new Result(n == 0 ? Double.NaN : (double) correct / n, n == 0 ? Double.NaN : nll / n, k, n);
    }
}
