package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import org.hhnn.autograd.GradMode;
import org.hhnn.backend.Backend;
import org.hhnn.data.Batcher;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * A confusion matrix (rows: true class, columns: predicted class = the arg-max logit, the first on ties) with each
 * class's precision, recall and F1 and their macro averages: the HHNN paper's error analysis (§4.6). A class never
 * predicted has precision NaN (0/0), one absent from the data recall NaN; F1 is NaN when either is, and macro
 * averages are over the classes where the figure is defined.
 */
public record Confusion(String[] classes, long[][] counts) {

    /** Counts the predictions of net (in eval mode, without a tape) on d. */
    public static Confusion of(Network net, Backend backend, Dataset d, int batchSize) {
        int k = d.numClasses();
        long[][] m = new long[k][k];
        boolean was = net.body.isTraining();
        net.body.train(false);
        try (GradMode g = GradMode.noGrad()) {
            for (Batcher.Batch b : new Batcher(d, batchSize, false, 0).batches(0)) {
                try (Scope s = Scope.open()) {
                    Tensor logits = net.forward(Tensor.of(backend, b.x(), b.size(), d.features()));
                    float[] z = logits.toArray();
                    int c = logits.dim(1);
                    for (int i = 0; i < b.size(); i++) {
                        int arg = 0;
                        for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + arg]) arg = j;
                        m[b.y()[i]][arg]++;
                    }
                }
            }
        } finally {
            net.body.train(was);
        }
        String[] names = d.classNames();
        if (names == null) {
            names = new String[k];
            for (int i = 0; i < k; i++) names[i] = Integer.toString(i);
        }
        return new Confusion(names, m);
    }

    public long total() {
        long t = 0;
        for (long[] r : counts) for (long v : r) t += v;
        return t;
    }

    public double accuracy() {
        long hit = 0;
        for (int i = 0; i < counts.length; i++) hit += counts[i][i];
        return (double) hit / total();
    }

    public double precision(int c) {
        long col = 0;
        for (long[] r : counts) col += r[c];
        return (double) counts[c][c] / col;
    }

    public double recall(int c) {
        long row = 0;
        for (long v : counts[c]) row += v;
        return (double) counts[c][c] / row;
    }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private double macro(java.util.function.IntToDoubleFunction f) {
        double s = 0;
        int n = 0;
        for (int c = 0; c < counts.length; c++) {
            double v = f.applyAsDouble(c);
            if (!Double.isNaN(v)) { s += v; n++; }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** The matrix and the per-class table, for a terminal. */
    public String table() {
        int w = 7;
        for (String s : classes) w = Math.max(w, Math.min(s.length(), 16) + 1);
        StringBuilder b = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
        b.append(pad("", w));
        for (int c = 0; c < classes.length; c++) b.append(pad(Integer.toString(c), 7));
        b.append('\n');
        for (int r = 0; r < classes.length; r++) {
            b.append(String.format(Locale.ROOT, "%-" + w + "s", r + " " + cut(classes[r])));
            for (long v : counts[r]) b.append(pad(Long.toString(v), 7));
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "%n%-" + w + "s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < classes.length; c++) {
            long support = 0;
            for (long v : counts[c]) support += v;
            b.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %9.4f %9.4f %8d%n", c + " " + cut(classes[c]), precision(c), recall(c), f1(c), support));
        }
        b.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %9.4f %9.4f %8d%n", "macro", macro(this::precision), macro(this::recall),
                macro(this::f1), total()));
        return b.toString();
    }

    public JsonObject json() {
        JsonObject o = new JsonObject();
        JsonArray names = new JsonArray(), matrix = new JsonArray(), per = new JsonArray();
        for (String s : classes) names.add(s);
        for (int r = 0; r < counts.length; r++) {
            JsonArray row = new JsonArray();
            for (long v : counts[r]) row.add(v);
            matrix.add(row);
            JsonObject c = new JsonObject();
            c.addProperty("class", classes[r]);
            c.add("precision", Trainer.num(precision(r)));
            c.add("recall", Trainer.num(recall(r)));
            c.add("f1", Trainer.num(f1(r)));
            long support = 0;
            for (long v : counts[r]) support += v;
            c.addProperty("support", support);
            per.add(c);
        }
        o.add("classes", names);
        o.add("matrix", matrix);
        o.add("per_class", per);
        o.add("macro_precision", Trainer.num(macro(this::precision)));
        o.add("macro_recall", Trainer.num(macro(this::recall)));
        o.add("macro_f1", Trainer.num(macro(this::f1)));
        return o;
    }

    private static String cut(String s) { return s.length() > 16 ? s.substring(0, 15) + "…" : s; }

    private static String pad(String s, int w) { return s.length() >= w ? s + " " : " ".repeat(w - s.length()) + s; }
}
