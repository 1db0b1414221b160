package org.hhnn.reproduce;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hhnn.backend.Backend;
import org.hhnn.stats.Comparison;
import org.hhnn.stats.Stats;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.RunRecord;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;

/**
 * Runs a {@link Preset} at a scale and writes its report:
 * <pre>{@code
 * Preset p = Presets.get("modulation-table4-names", null);
 * JsonObject result = new Reproduction(p, 0.4, backend, Path.of("reproduction", p.name())).run();
 * }</pre>
 * Each arm is one {@link Comparison} of one model in {@code <out>/runs/<arm>/} (its runs' metrics files
 * {@code <model>/seed-<s>.json}); a run whose file exists is not trained again, so an interrupted reproduction
 * started again trains only what is missing. {@code reproduction.json} records the scale and data the runs share and
 * refuses to mix runs of another scale. The results go to {@code report.json}, {@code REPORT.md} and the figures' PNGs;
 * the LSTM presets' report also draws the paper's Table 5 ({@link Table5}).
 */
public final class Reproduction {
    static final String SETTINGS = "reproduction.json";

    private final Preset preset;
    private final double scale;
    private final Backend backend;
    private final Path out;
    private int limitTrain;
    private PrintStream log = System.err;
    private List<String> argv = List.of();

    public Reproduction(Preset preset, double scale, Backend backend, Path out) {
        if (!(scale > 0 && scale <= 1)) throw new IllegalArgumentException("--scale must be in (0, 1], got " + scale);
        this.preset = preset;
        this.scale = scale;
        this.backend = backend;
        this.out = out;
    }

    /** Train every run on only the first n training items (0: all): a quick trial, said in the report. */
    public Reproduction limitTrain(int n) {
        if (n < 0) throw new IllegalArgumentException("--limit-train must be at least 1, got " + n);
        limitTrain = n;
        return this;
    }

    /** Where INFO lines go (default System.err). */
    public Reproduction log(PrintStream s) { log = s; return this; }

    /** The command line recorded in the report and run.json. */
    public Reproduction argv(List<String> a) { argv = List.copyOf(a); return this; }

    /** The arms' settings at this reproduction's scale and training limit. */
    public List<Arm> arms() {
        List<Arm> arms = preset.scaled(scale);
        for (Arm a : arms) a.config().limitTrain = limitTrain;
        return arms;
    }

    /** Runs per arm at this scale. */
    public int runs() { return preset.runs(scale); }

    /**
     * What the reproduction will run, one block per arm with the `hhnn compare` command that trains the same runs
     * into the same folder; {@link #run} trains nothing that this does not list.
     */
    public String plan() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s at scale %s: %d run(s) per model, results in %s%n",
                preset.name(), fmtScale(scale), runs(), out));
        for (Arm a : arms()) {
            TrainConfig c = a.config();
            s.append(String.format(Locale.ROOT, "  %-18s %s: %s on %s, %d epoch(s)%n", a.key(), a.label(), c.model, c.dataset, c.epochs));
            s.append("      ").append(compareCommand(a)).append('\n');
        }
        if (Table5.applies(preset)) s.append(Table5.PLAN);
        return s.toString();
    }

    /**
     * The `hhnn compare` command that trains arm's runs into its folder, every setting that differs from a default as
     * a flag.
     */
    String compareCommand(Arm a) {
        TrainConfig c = a.config();
        List<String> w = new ArrayList<>(List.of("./hhnn", "compare", "--dataset", c.dataset, "--models", c.model, "--runs",
                Integer.toString(runs())));
        if (c.dataDir != null) w.addAll(List.of("--data", c.dataDir.toString()));
        // compare's runs start from the general defaults (today) or the model's task protocol: a setting equal to both
        // can be left out, any other is written, so the command means the same either way.
        TrainConfig general = new TrainConfig();
        general.model = c.model;
        JsonObject now = c.toJson(), task = TrainConfig.forTask(c.model, c.dataset).toJson(), plain = general.toJson();
        for (Map.Entry<String, JsonElement> e : now.entrySet()) {
            String k = e.getKey();
            if (Set.of("model", "dataset", "data_dir", "seed").contains(k)
                    || (e.getValue().equals(task.get(k)) && e.getValue().equals(plain.get(k)))) continue;
            JsonElement v = e.getValue();
            if (k.equals("settings")) {
                for (Map.Entry<String, JsonElement> s : v.getAsJsonObject().entrySet()) w.addAll(List.of("--set", s.getKey() + "=" + s.getValue().getAsString()));
            } else if (v.isJsonArray()) {
                List<String> parts = new ArrayList<>();
                v.getAsJsonArray().forEach(x -> parts.add(x.getAsString()));
                w.addAll(List.of(TrainConfig.flag(k), parts.isEmpty() ? "none" : String.join(",", parts)));
            } else if (v.getAsJsonPrimitive().isBoolean()) {
                if (v.getAsBoolean()) w.add(TrainConfig.flag(k));
            } else {
                w.addAll(List.of(TrainConfig.flag(k), v.getAsString()));
            }
        }
        w.addAll(List.of("--no-progress", "--out", out.resolve("runs").resolve(a.key()).toString()));
        return String.join(" ", w);
    }

    /** Trains the missing runs and writes report.json, REPORT.md and the figures; returns the report's JSON. */
    public JsonObject run() {
        checkSettings();
        RunRecord record = new RunRecord(argv).backend(backend).seed(1);
        long t0 = System.nanoTime(), cpu0 = processCpuNanos();
        int n = runs();
        Map<String, List<JsonObject>> runs = new LinkedHashMap<>();
        for (Arm a : arms()) {
            log.printf("INFO %s: %s (%s), %d run(s) of %d epoch(s)%n", preset.name(), a.key(), a.label(), n, a.config().epochs);
            Path dir = out.resolve("runs").resolve(a.key());
            new Comparison(List.of(a.config().model), a.config(), backend, dir).runs(n).log(log).run();
            List<JsonObject> ms = new ArrayList<>();
            for (int i = 0; i < n; i++) ms.add(readJson(dir.resolve(a.config().model).resolve("seed-" + (a.config().seed + i) + ".json")));
            runs.put(a.key(), ms);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        JsonObject result = summarise(runs, wall);
        long cpu1 = processCpuNanos();
        // CPU time beside wall time: on a shared machine the wall time says more about the load than about the work.
        if (cpu0 >= 0 && cpu1 >= 0) result.addProperty("cpu_seconds_this_session", (cpu1 - cpu0) / 1e9);
        // Data files with their sha256, once per folder the runs read.
        JsonArray files = new JsonArray();
        Set<String> dirs = new LinkedHashSet<>();
        for (List<JsonObject> ms : runs.values())
            for (JsonObject m : ms)
                if (m.has("data") && m.getAsJsonObject("data").has("dir")) dirs.add(m.getAsJsonObject("data").get("dir").getAsString());
        for (String d : dirs) files.addAll(record.dataFiles(Path.of(d)).json().getAsJsonArray("data_files"));
        record.json().add("data_files", files);
        record.finish(out);
        result.add("run", record.json());
        JsonArray commands = new JsonArray();
        for (Arm a : arms()) commands.add(compareCommand(a));
        result.add("compare_commands", commands);
        try {
            AtomicFiles.writeJson(out.resolve("report.json"), result);
            Report.write(out, preset, result, runs, Table5.applies(preset) ? Table5.section(arms(), backend, out, log) : List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("reproduce: could not write the report in " + out + ": " + e.getMessage(), e);
        }
        log.println("INFO report in " + out.resolve("REPORT.md") + " (and report.json, run.json, the figures' PNGs, runs/)");
        return result;
    }

    /** This process's CPU time in ns, or -1 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** reproduction.json: the preset, scale and training limit every run here shares; a resumed one must match it. */
    private void checkSettings() {
        JsonObject s = new JsonObject();
        s.addProperty("preset", preset.name());
        s.addProperty("scale", scale);
        s.addProperty("limit_train", limitTrain);
        Path f = out.resolve(SETTINGS);
        try {
            if (!Files.exists(f)) {
                Files.createDirectories(out);
                AtomicFiles.writeJson(f, s);
                return;
            }
            JsonObject old = Comparison.readJson(f);
            if (!old.equals(s))
                throw new IllegalArgumentException(out + " holds a reproduction with other settings (" + old + ", now " + s
                        + "): give the same --scale and --limit-train to resume it, or another --out");
        } catch (IOException e) {
            throw new UncheckedIOException("reproduce: could not read or write " + f + ": " + e.getMessage(), e);
        }
    }

    /** A run's metrics file that its comparison wrote ({@link Comparison#readJson}: a damaged one is one sentence). */
    private static JsonObject readJson(Path f) {
        try {
            return Comparison.readJson(f);
        } catch (IOException e) {
            throw new UncheckedIOException("reproduce: could not read " + f + ": " + e.getMessage(), e);
        }
    }

    /** A figure of a run's metrics: the number, or the last entry of a per-epoch array; NaN where it has none. */
    static double value(JsonObject metrics, String key) {
        JsonElement e = metrics.get(key);
        if (e != null && e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            e = a.isEmpty() ? null : a.get(a.size() - 1);
        }
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? Double.NaN : e.getAsDouble();
    }

    private JsonObject summarise(Map<String, List<JsonObject>> runs, double wall) {
        JsonObject o = new JsonObject();
        o.addProperty("preset", preset.name());
        o.addProperty("title", preset.title());
        o.addProperty("scale", scale);
        o.addProperty("full_protocol", scale == 1);
        o.addProperty("runs_per_arm", runs());
        o.addProperty("limit_train", limitTrain);
        o.addProperty("metric", preset.metric());
        o.addProperty("lower_is_better", preset.lowerIsBetter());
        o.addProperty("wall_seconds_this_session", wall);
        double train = 0;
        JsonArray arms = new JsonArray();
        Map<String, double[]> metric = new LinkedHashMap<>();
        for (Arm a : arms()) {
            List<JsonObject> ms = runs.get(a.key());
            JsonObject j = new JsonObject();
            j.addProperty("key", a.key());
            j.addProperty("label", a.label());
            j.addProperty("model", a.config().model);
            j.addProperty("dataset", a.config().dataset);
            j.addProperty("epochs", a.config().epochs);
            j.add("train_config", a.config().toJson());
            if (ms.get(0).has("params")) j.addProperty("params", ms.get(0).get("params").getAsLong());
            j.addProperty("n", ms.size());
            double secs = 0;
            for (JsonObject m : ms) secs += m.has("train_seconds") ? m.get("train_seconds").getAsDouble() : 0;
            j.addProperty("train_seconds", secs);
            train += secs;
            JsonObject cols = new JsonObject();
            for (Preset.Column c : preset.columns()) {
                double[] v = new double[ms.size()];
                JsonArray va = new JsonArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = value(ms.get(i), c.metricsKey());
                    va.add(Trainer.num(v[i]));
                }
                JsonObject col = new JsonObject();
                col.add("runs", va);
                col.add("mean", Trainer.num(Stats.mean(v)));
                col.add("std", Trainer.num(v.length >= 2 ? Stats.std(v) : Double.NaN));
                cols.add(c.key(), col);
                if (c.key().equals(preset.metric())) metric.put(a.key(), v);
            }
            j.add("columns", cols);
            arms.add(j);
        }
        o.add("arms", arms);
        o.addProperty("train_seconds", train);
        JsonArray pairs = new JsonArray();
        for (String[] p : preset.pairs()) {
            JsonObject j = new JsonObject();
            j.addProperty("treatment", p[0]);
            j.addProperty("control", p[1]);
            double[] t = metric.get(p[0]), c = metric.get(p[1]);
            if (t.length >= 2 && c.length >= 2) {
                // Positive = the treatment is better (for a lower-is-better metric: lower), as the papers sign them.
                double[] a = preset.lowerIsBetter() ? c : t, b = preset.lowerIsBetter() ? t : c;
                Stats.Welch w = Stats.welch(a, b);
                j.add("hedges_g", Trainer.num(Stats.hedgesG(a, b)));
                j.add("welch_t", Trainer.num(w.t()));
                j.add("welch_df", Trainer.num(w.df()));
                j.add("welch_p", Trainer.num(w.p()));
            }
            pairs.add(j);
        }
        o.add("pairs", pairs);
        JsonArray pub = new JsonArray();
        for (Published p : preset.published()) {
            JsonObject j = new JsonObject();
            j.addProperty("arm", p.arm());
            j.addProperty("column", p.column());
            j.addProperty("value", p.value());
            if (p.upperBound()) j.addProperty("upper_bound", true);
            j.addProperty("source", p.source());
            pub.add(j);
        }
        o.add("published", pub);
        return o;
    }

    static String fmtScale(double s) {
        return s == 1 ? "1 (the paper's full protocol)" : Report.sig3(s);
    }
}
