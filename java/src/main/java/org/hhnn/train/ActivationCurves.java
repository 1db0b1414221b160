package org.hhnn.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hhnn.backend.Backend;
import org.hhnn.data.Dataset;
import org.hhnn.data.TextCodec;
import org.hhnn.nn.LSTM;
import org.hhnn.nn.LstmClassifier;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * The modulation paper's Table 5 picture for a trained LSTM classifier, per hidden node and test input ({@code hhnn viz
 * activations}; reproduce's Table 5 section). The cell adds i·c̃ to c. For the control (a vanilla cell: lstm,
 * lstm-control1, lstm-control2) c̃ = tanh(g), so the input gate i only scales the amplitude: i·tanh(v), the paper's left
 * side. For the modulated LSTM (lstm-mod) c̃ = tanh(s·g) with s = σ_m(m) per node and input, so the input changes the
 * slope too: i·tanh(s·v), the right side. i and s are taken at each input's last valid step; one PNG per node with the
 * unmodulated tanh(v) for reference, and as CSV the i (and s) values with the candidate preactivation g the input reached
 * and its activation there (the paper's dots).
 */
public final class ActivationCurves {
    public static final String MODULATED = "lstm-mod";
    /** The models whose classifier has a vanilla or modulated cell: the ones this picture draws. */
    public static final Set<String> MODELS = Set.of("lstm", "lstm-control1", "lstm-control2", MODULATED);
    /** The CSV file of the i, s and g values, beside the PNGs. */
    public static final String CSV = "gates.csv";
    private static final double V_MAX = 4;
    private static final int POINTS = 161;   // v in [−4, 4] at 0.05 spacing: smooth curves, small files

    private ActivationCurves() {}

    /** What {@link #draw} wrote (node0.png, node1.png, ..., then the CSV) for how many nodes and inputs. */
    public record Drawn(List<Path> files, int nodes, int inputs) {}

    /** The checkpoint's model when it is one of {@link #MODELS}; else one sentence naming the checkpoint and its model. */
    public static String requireModel(Checkpoint.Loaded ck) {
        String model = ck.modelName();   // checked before the rebuild: any other model gets this sentence, not a shape or cast error
        if (!MODELS.contains(model))
            throw new IllegalArgumentException("viz activations needs an LSTM classifier checkpoint with the vanilla or the "
                    + "modulated cell (lstm, lstm-control1, lstm-control2 or " + MODULATED + "), but " + ck.dir()
                    + " holds " + (model == null ? "no model name" : "model '" + model + "'"));
        return model;
    }

    /**
     * Draws the first nodes hidden nodes of the checkpoint's LSTM for the first inputs inputs of test (data set name
     * dataset; nodes and inputs at least 1) into dir, created if need be, one PNG per node, and writes the CSV there.
     */
    public static Drawn draw(Checkpoint.Loaded ck, Backend backend, Dataset test, String dataset, int nodes, int inputs, Path dir)
            throws IOException {
        String model = requireModel(ck);
        boolean modulated = MODULATED.equals(model);
        Network net = ck.network(backend, 0);
        net.body.eval();
        LstmClassifier clf = (LstmClassifier) net.body;
        if (clf.lstm.layers != 1)
            throw new IllegalArgumentException("viz activations reads a one-layer LSTM, but " + ck.dir() + " holds "
                    + clf.lstm.layers + " stacked layers");
        int k = Math.min(inputs, test.size()), n = Math.min(nodes, clf.lstm.hidden);

        float[][] gates = lastStepGates(clf, backend, test, k);
        float[] gate = gates[0], s = gates[1], g = gates[2];
        TextCodec codec = TextCodec.of(dataset, test);
        String[] texts = new String[k];
        for (int i = 0; i < k; i++) texts[i] = codec == null ? "" : codec.text(test.x(), i);
        String curveName = modulated ? "i·tanh(s·v)" : "i·tanh(v)";
        String title = modulated ? ": i·tanh(s·v), s = " + ck.config().getAsJsonObject("model").get("mod_activation").getAsString()
                + "(m) (" : ": i·tanh(v) (";   // i and s per input: in the legend

        Files.createDirectories(dir);
        double[] v = new double[POINTS];
        for (int p = 0; p < POINTS; p++) v[p] = -V_MAX + 2 * V_MAX * p / (POINTS - 1);
        List<Path> written = new ArrayList<>();
        StringBuilder csv = new StringBuilder("node,input,text,class,i,s,g,activation\n");
        String[] classes = test.classNames();
        for (int j = 0; j < n; j++) {
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("unmodulated tanh(v)", curve(v, 1, 1));
            for (int i = 0; i < k; i++) {
                int at = i * clf.lstm.hidden + j;
                double ij = gate[at], sij = modulated ? s[at] : 1, gij = g[at];
                String label = modulated ? String.format("#%d %s (i=%.3f, s=%.3f)", i, abbreviate(texts[i]), ij, sij)
                        : String.format("#%d %s (i=%.3f)", i, abbreviate(texts[i]), ij);
                series.put(label, curve(v, ij, sij));
                csv.append(j).append(',').append(i).append(',').append(quote(texts[i])).append(',')
                        .append(quote(classes == null ? Integer.toString(test.y()[i]) : classes[test.y()[i]])).append(',')
                        .append(ij).append(',').append(modulated ? Double.toString(sij) : "").append(',')
                        .append(gij).append(',').append(ij * Math.tanh(sij * gij)).append('\n');   // the input's point on its curve
            }
            Path png = dir.resolve("node" + j + ".png");
            Plots.lines(png, "node " + j + title + model + ", " + dataset + " test)", "v (candidate preactivation g)", curveName, series);
            written.add(png);
        }
        Path csvPath = dir.resolve(CSV);
        AtomicFiles.writeString(csvPath, csv.toString());
        written.add(csvPath);
        return new Drawn(written, n, k);
    }

    /** The first k test inputs' input gate i, modulation s (null for a vanilla cell) and candidate g, each (k, hidden). */
    private static float[][] lastStepGates(LstmClassifier clf, Backend backend, Dataset test, int k) {
        int len = test.features();
        try (Scope sc = Scope.open()) {
            LSTM.LastStepGates at = clf.gatesAtLastStep(Tensor.of(backend, Arrays.copyOf(test.x(), k * len), k, len));
            return new float[][] {at.inputGate().toArray(), at.modulation() != null ? at.modulation().toArray() : null, at.candidate().toArray()};
        }
    }

    // amplitude·tanh(slope·v) over v.
    private static double[][] curve(double[] v, double amplitude, double slope) {
        double[] y = new double[v.length];
        for (int p = 0; p < v.length; p++) y[p] = amplitude * Math.tanh(slope * v[p]);
        return new double[][] {v, y};
    }

    // A whole SST-2 review would push the plot out of the picture; the CSV keeps the full text.
    private static String abbreviate(String text) { return text.length() <= 24 ? text : text.substring(0, 23) + "…"; }

    private static String quote(String field) { return '"' + field.replace("\"", "\"\"") + '"'; }
}
