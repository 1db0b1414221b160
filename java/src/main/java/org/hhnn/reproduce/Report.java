package org.hhnn.reproduce;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Plots;

/**
 * REPORT.md of a reproduction: the paper's figures beside ours, the tests of each modulated (or HHNN) arm against its
 * control, what holds and what does not, the per-epoch figures as PNGs, the protocol, the exact commands, versions and
 * data hashes.
 */
final class Report {
    private Report() {}

    static final double ALPHA = 0.05;

    static void write(Path out, Preset p, JsonObject r, Map<String, List<JsonObject>> runs, List<String> extra) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(p.title()).append("\n\n");
        md.append("**Claim.** ").append(p.claim()).append("\n\n");
        md.append(String.format(Locale.ROOT, "**Scale %s**: %d run(s) per model; epochs are the full protocol's times the scale "
                + "(`--scale 1` runs the paper's full protocol).%s Training time measured by the runs: %.0f s in all "
                + "(this invocation: %.0f s wall time, %s s of CPU time; the machine may have been shared).%n%n",
                Reproduction.fmtScale(r.get("scale").getAsDouble()), r.get("runs_per_arm").getAsInt(),
                r.get("limit_train").getAsInt() > 0 ? " Every run trained on only the first " + r.get("limit_train").getAsInt()
                        + " training items (--limit-train): a trial, not a reproduction." : "",
                r.get("train_seconds").getAsDouble(), r.get("wall_seconds_this_session").getAsDouble(),
                r.has("cpu_seconds_this_session") ? String.format(Locale.ROOT, "%.0f", r.get("cpu_seconds_this_session").getAsDouble()) : "?"));
        for (String note : p.notes()) if (note.startsWith("Stand-in")) md.append("**").append(note).append("**\n\n");

        md.append("## Published beside ours\n\n");
        md.append(resultsTable(p, r)).append('\n');
        if (!p.pairs().isEmpty()) {
            md.append("## Statistics (").append(p.metric()).append(", Welch's t-test, Hedges' g; positive = first model better)\n\n");
            md.append(statsTable(p, r)).append('\n');
            md.append("## What holds\n\n");
            for (String v : verdicts(p, r)) md.append("- ").append(v).append('\n');
            md.append('\n');
        }
        md.append("## Figures\n\n");
        for (String line : curves(out, p, r, runs)) md.append(line).append("\n\n");
        for (String line : extra) md.append(line).append('\n');
        if (!extra.isEmpty()) md.append('\n');
        md.append("## Protocol\n\n");
        for (String note : p.notes()) if (!note.startsWith("Stand-in")) md.append("- ").append(note).append('\n');
        md.append('\n');
        md.append("## Commands\n\nThis report: `hhnn ").append(argv(r.getAsJsonObject("run"))).append("` (started again, it trains only "
                + "the runs that are missing). Each model's runs, as one `hhnn compare` (same folders, same settings):\n\n```\n");
        for (JsonElement c : r.getAsJsonArray("compare_commands")) md.append(c.getAsString()).append('\n');
        md.append("```\n\n");
        md.append("## Versions and data\n\n").append(provenance(r.getAsJsonObject("run"))).append('\n');
        md.append("Published figures: ");
        List<String> sources = new ArrayList<>();
        for (Published f : p.published()) if (!sources.contains(f.source())) sources.add(f.source());
        md.append(sources.isEmpty() ? "none (the paper prints none for this experiment)." : String.join("; ", sources) + ".").append('\n');
        AtomicFiles.writeString(out.resolve("REPORT.md"), md.toString());
    }

    private static String argv(JsonObject run) {
        List<String> a = new ArrayList<>();
        if (run.has("argv")) run.getAsJsonArray("argv").forEach(e -> a.add(e.getAsString()));
        return String.join(" ", a);
    }

    private static Published published(Preset p, String arm, String column) {
        for (Published f : p.published()) if (f.arm().equals(arm) && f.column().equals(column)) return f;
        return null;
    }

    private static JsonObject arm(JsonObject r, String key) {
        for (JsonElement e : r.getAsJsonArray("arms")) if (e.getAsJsonObject().get("key").getAsString().equals(key)) return e.getAsJsonObject();
        throw new IllegalStateException("no arm " + key);
    }

    private static JsonObject pair(JsonObject r, String treatment, String control) {
        for (JsonElement e : r.getAsJsonArray("pairs")) {
            JsonObject j = e.getAsJsonObject();
            if (j.get("treatment").getAsString().equals(treatment) && j.get("control").getAsString().equals(control)) return j;
        }
        throw new IllegalStateException("no pair " + treatment + "/" + control);
    }

    private static double num(JsonObject o, String k) {
        JsonElement e = o == null ? null : o.get(k);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    /** A metric value: perplexities with 2 decimals, accuracies with 4. */
    private static String fmt(Preset p, double v) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, p.lowerIsBetter() ? "%.2f" : "%.4f", v);
    }

    private static String params(double v) {
        if (Double.isNaN(v)) return "n/a";
        return v >= 1e6 ? String.format(Locale.ROOT, "%.2f M", v / 1e6) : String.format(Locale.ROOT, "%.1f K", v / 1e3);
    }

    private static String pub(Preset p, Published f) {
        if (f == null) return "-";
        return (f.upperBound() ? "< " : "") + (f.column().equals("params") ? params(f.value()) : fmt(p, f.value()));
    }

    private static String resultsTable(Preset p, JsonObject r) {
        StringBuilder h = new StringBuilder("| model | params (paper) | params (ours) |");
        StringBuilder sep = new StringBuilder("| --- | ---: | ---: |");
        for (Preset.Column c : p.columns()) {
            h.append(' ').append(c.heading()).append(" (paper) | ").append(c.heading()).append(" (ours, mean ± std) |");
            sep.append(" ---: | ---: |");
        }
        StringBuilder s = new StringBuilder(h).append('\n').append(sep).append('\n');
        for (Arm a : p.arms()) {
            JsonObject j = arm(r, a.key());
            s.append("| ").append(a.label()).append(" (`").append(a.key()).append("`) | ").append(pub(p, published(p, a.key(), "params")))
                    .append(" | ").append(j.has("params") ? String.format(Locale.ROOT, "%,d", j.get("params").getAsLong()) : "n/a").append(" |");
            for (Preset.Column c : p.columns()) {
                JsonObject col = j.getAsJsonObject("columns").getAsJsonObject(c.key());
                Published pm = published(p, a.key(), c.key()), ps = c.key().equals(p.metric()) ? published(p, a.key(), "std") : null;
                s.append(' ').append(pub(p, pm)).append(ps != null ? " ± " + fmt(p, ps.value()) : "").append(" | ")
                        .append(fmt(p, num(col, "mean"))).append(Double.isNaN(num(col, "std")) ? "" : " ± " + fmt(p, num(col, "std")))
                        .append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static String stat(String key, double v) {
        if (Double.isNaN(v)) return "n/a";
        return key.equals("welch_p") ? sig3(v)
                : key.equals("welch_df") ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Three significant digits without trailing zeros: 0.006, 0.0412, 1.20e-05. */
    static String sig3(double v) {
        if (v != 0 && Math.abs(v) < 1e-4) return String.format(Locale.ROOT, "%.2e", v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String statsTable(Preset p, JsonObject r) {
        String[] keys = {"hedges_g", "welch_t", "welch_df", "welch_p"};
        StringBuilder s = new StringBuilder("| first model vs control |");
        StringBuilder sep = new StringBuilder("| --- |");
        for (String k : keys) {
            String name = k.equals("hedges_g") ? "Hedges' g" : k.equals("welch_t") ? "t" : k.equals("welch_df") ? "df" : "p";
            s.append(' ').append(name).append(" (paper) | ").append(name).append(" (ours) |");
            sep.append(" ---: | ---: |");
        }
        s.append('\n').append(sep).append('\n');
        for (String[] pr : p.pairs()) {
            JsonObject j = pair(r, pr[0], pr[1]);
            s.append("| `").append(pr[0]).append("` vs `").append(pr[1]).append("` |");
            for (String k : keys) {
                // The paper lays its tests out under each control's column.
                Published f = published(p, pr[1], k);
                s.append(' ').append(f == null ? "-" : (f.upperBound() ? "< " : "") + stat(k, f.value())).append(" | ").append(stat(k, num(j, k))).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /**
     * One line per pair: does the first model come out better, as the paper says, and is the difference significant
     * at {@link #ALPHA}? Then, where the paper prints both means, whether ours are near them is left to the reader
     * (other data or scale can move them), but the direction and significance are stated.
     */
    static List<String> verdicts(Preset p, JsonObject r) {
        List<String> out = new ArrayList<>();
        for (String[] pr : p.pairs()) {
            JsonObject t = arm(r, pr[0]).getAsJsonObject("columns").getAsJsonObject(p.metric());
            JsonObject c = arm(r, pr[1]).getAsJsonObject("columns").getAsJsonObject(p.metric());
            double mt = num(t, "mean"), mc = num(c, "mean");
            JsonObject j = pair(r, pr[0], pr[1]);
            double pv = num(j, "welch_p");
            boolean better = p.lowerIsBetter() ? mt < mc : mt > mc;
            Published pt = published(p, pr[0], p.metric()), pc = published(p, pr[1], p.metric());
            String paper = pt != null && pc != null
                    ? String.format(Locale.ROOT, "paper %s vs %s", fmt(p, pt.value()), fmt(p, pc.value())) : "the paper prints no figure for both";
            String verdict = Double.isNaN(pv) ? (better ? "holds in direction" : "does not hold") + "**, no test (fewer than 2 runs per model)"
                    : pv < ALPHA ? (better ? "holds**, significant" : "does not hold**: the control is significantly better")
                            + " (p = " + sig3(pv) + " < " + ALPHA + ")"
                    : (better ? "holds in direction**, not significant" : "does not hold**, no significant difference")
                            + " (p = " + sig3(pv) + " >= " + ALPHA + ")";
            out.add(String.format(Locale.ROOT, "`%s` %s `%s` (%s; ours %s vs %s): **%s.", pr[0],
                    p.lowerIsBetter() ? "below" : "above", pr[1], paper, fmt(p, mt), fmt(p, mc), verdict));
        }
        return out;
    }

    /** Draws each overlaid per-epoch figure (mean over runs per arm) and returns the Markdown lines that show them. */
    private static List<String> curves(Path out, Preset p, JsonObject r, Map<String, List<JsonObject>> runs) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Preset.Curve c : p.curves()) {
            Map<String, double[][]> series = new LinkedHashMap<>();
            for (String key : c.arms()) {
                double[] mean = meanCurve(runs.get(key), c.metricsKey());
                if (mean.length == 0) continue;
                double[] x = new double[mean.length];
                for (int i = 0; i < x.length; i++) x[i] = i + 1;
                series.put(p.arm(key).label(), new double[][] {x, mean});
            }
            if (series.isEmpty()) {
                lines.add("*" + c.title() + "*: not drawn, the runs record no per-epoch `" + c.metricsKey() + "`.");
                continue;
            }
            Plots.lines(out.resolve(c.file()), c.title() + " (mean of " + r.get("runs_per_arm").getAsInt() + " run(s))", "epoch",
                    c.yLabel(), series);
            lines.add("![" + c.title() + "](" + c.file() + ")");
        }
        return lines;
    }

    /** Per epoch, the mean over runs of a per-epoch array (as long as the shortest run's). */
    static double[] meanCurve(List<JsonObject> runs, String key) {
        int len = Integer.MAX_VALUE;
        for (JsonObject m : runs) {
            JsonElement e = m.get(key);
            len = Math.min(len, e != null && e.isJsonArray() ? e.getAsJsonArray().size() : 0);
        }
        if (runs.isEmpty() || len == Integer.MAX_VALUE) return new double[0];
        double[] mean = new double[len];
        for (JsonObject m : runs) {
            JsonArray a = m.getAsJsonArray(key);
            for (int i = 0; i < len; i++) mean[i] += (a.get(i).isJsonNull() ? Double.NaN : a.get(i).getAsDouble()) / runs.size();
        }
        return mean;
    }

    private static String provenance(JsonObject run) {
        StringBuilder s = new StringBuilder();
        s.append("- hhnn ").append(str(run, "version")).append(run.has("git_commit") ? " (git " + str(run, "git_commit") + ")" : "")
                .append(", Java ").append(str(run, "java")).append(", ").append(str(run, "os")).append('\n');
        s.append("- backend ").append(str(run, "backend")).append(" on ").append(str(run, "device")).append(", ")
                .append(str(run, "threads")).append(" thread(s), ").append(str(run, "cores")).append(" cores; started ")
                .append(str(run, "start")).append(", ended ").append(str(run, "end")).append('\n');
        s.append("- data files (sha256):\n");
        for (JsonElement e : run.getAsJsonArray("data_files")) {
            JsonObject f = e.getAsJsonObject();
            s.append("  - `").append(str(f, "path")).append("` ").append(str(f, "size")).append(" bytes, `").append(str(f, "sha256")).append("`\n");
        }
        return s.toString();
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : "?";
    }
}
