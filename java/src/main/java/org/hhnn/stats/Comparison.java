package org.hhnn.stats;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import org.hhnn.train.LmRun;
import org.hhnn.train.Safetensors;
import org.hhnn.train.TrainingRun;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;

/**
 * The modulation paper's Table 4 as a library call: trains every model several times with the same settings (one
 * run per seed, or one per fold with {@link #folds}), then gives the mean and standard deviation of the test accuracy
 * per model, and Hedges' g and Welch's t-test of the first model against each other one:
 * <pre>{@code
 * TrainConfig base = new TrainConfig();
 * base.dataset = "names";
 * JsonObject summary = new Comparison(List.of("lstm-mod", "lstm-control1"), base, backend, Path.of("cmp")).runs(3).run();
 * System.out.print(Comparison.table(summary));
 * }</pre>
 * A run's metrics file, {@code <out>/<model>/seed-<s>.json} (or {@code fold-<i>.json}), is written when the run ends;
 * a comparison started again with the same output directory reuses those and trains only the missing runs.
 * {@code <out>/settings.json} records what the runs share and refuses to mix runs of different settings. The results
 * go to {@code compare.json}, {@code compare.csv} and a box plot {@code compare.png}.
 */
public final class Comparison {
    static {
        // Before the first AWT class initialises (as in train.Plots); an explicit -Djava.awt.headless wins.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    private final List<ModelSpec> models;
    private final TrainConfig base;
    private final Backend backend;
    private final Path out;
    private int runs = 3;
    private Integer folds;
    private long seed;
    private int bootstrap;
    private double ciLevel = 0.95;
    private PrintStream log = System.err;
    private DataSets.TrainTest data;
    private String metric = "test_accuracy";
    private boolean lowerIsBetter;
    private Spread spread;
    private List<KFold.Fold> foldIdx;
    private Search search;
    private int searchRuns = 1;
    private boolean ensemble;

    /**
     * Where the runs are carried out: by default one after another in this process; {@code org.hhnn.dist.RunSpread}
     * spreads them over the ranks of an MPI job.
     */
    public interface Spread {
        /**
         * Carries out tasks 0..count-1 (this process only some of them) and returns every result in task order where
         * the comparison is summarised, or null in the other processes.
         */
        JsonObject[] run(int count, java.util.function.IntFunction<JsonObject> task);

        /** Runs check where the comparison is summarised, and fails in every process if it fails there. */
        void agree(Runnable check);
    }

    /** One model's results in run order. */
    private record ModelRuns(String model, List<String> labels, double[] accuracies, long params, List<JsonObject> metrics) {}

    /**
     * Compares models trained with base's settings (its model is replaced by each of models, its seed by each run's)
     * on backend; everything goes to out. The first seed is base's. Each model is a {@link ModelSpec} as written,
     * e.g. {@code densenet:growth=10}.
     */
    public Comparison(List<String> models, TrainConfig base, Backend backend, Path out) {
        this(ModelSpec.parseAll(models).toArray(new ModelSpec[0]), base, backend, out);
    }

    /** As the constructor, with the rows given as specs. */
    public static Comparison of(List<ModelSpec> models, TrainConfig base, Backend backend, Path out) {
        return new Comparison(models.toArray(new ModelSpec[0]), base, backend, out);
    }

    private Comparison(ModelSpec[] models, TrainConfig base, Backend backend, Path out) {
        if (models.length == 0) throw new IllegalArgumentException("--models names no model");
        if (new LinkedHashSet<>(List.of(models)).size() != models.length)
            throw new IllegalArgumentException("--models lists a model twice: " + List.of(models));
        this.models = List.of(models);
        this.base = base;
        this.backend = backend;
        this.out = out;
        this.seed = base.seed;
    }

    /**
     * The figure of each run's metrics compared (default test_accuracy; the language models' test_ppl), and whether it
     * improves downwards: Hedges' g and Welch's t are signed so that positive means the first model is the better one
     * (for a lower-is-better metric, the lower: the modulation paper's Table 7).
     */
    public Comparison metric(String name, boolean lowerIsBetter) {
        this.metric = name;
        this.lowerIsBetter = lowerIsBetter;
        return this;
    }

    /** Runs per model, with seeds seed, seed+1, ... (default 3). */
    public Comparison runs(int n) {
        if (n < 1) throw new IllegalArgumentException("--runs must be at least 1, got " + n);
        runs = n;
        return this;
    }

    /** k-fold cross-validation on the training data instead of seeds: one run per fold, tested on that fold. */
    public Comparison folds(int k) {
        if (k < 2) throw new IllegalArgumentException("--folds must be at least 2, got " + k);
        folds = k;
        return this;
    }

    /** Also a percentile bootstrap interval of each model's mean accuracy from this many resamples (0: none). */
    public Comparison bootstrap(int resamples, double level) {
        if (resamples < 0) throw new IllegalArgumentException("--bootstrap must be >= 0, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("--ci-level must be in (0, 1), got " + level);
        bootstrap = resamples;
        ciLevel = level;
        return this;
    }

    /**
     * Search each model's settings first ({@link Search}: --grid or --random): every setting trained runsPerSetting
     * times on the training part without the test set, the best mean validation figure (the metric's validation
     * counterpart: val_accuracy for the accuracies, val_ppl for test_ppl) chosen per model, and only the chosen
     * setting's runs tested. compare.json's "search" lists every setting tried with its validation figure.
     */
    public Comparison search(Search s, int runsPerSetting) {
        if (runsPerSetting < 1) throw new IllegalArgumentException("--search-runs must be at least 1, got " + runsPerSetting);
        search = s;
        searchRuns = runsPerSetting;
        return this;
    }

    /**
     * Also each model's ensemble (the HHNN paper's §4.4): its runs' test-set class probabilities averaged, reported as
     * a row of its own ("model (ensemble)") with the ensemble's test accuracy.
     */
    public Comparison ensemble(boolean on) { ensemble = on; return this; }

    /** Train and test on this data instead of loading the base config's data set. */
    public Comparison data(DataSets.TrainTest d) { data = d; return this; }

    /** Spread the runs over processes (see {@link Spread}). */
    public Comparison spread(Spread s) { spread = s; return this; }

    /** Where INFO lines and the runs' progress go (default System.err). */
    public Comparison log(PrintStream s) { log = s; return this; }

    /**
     * Trains the missing runs, writes compare.json, compare.csv and compare.png, and returns the summary (null in a
     * process of a {@link Spread} that does not summarise).
     */
    public JsonObject run() {
        try {
            return runOrThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("compare: could not write to " + out + ": " + e.getMessage(), e);
        }
    }

    private JsonObject runOrThrow() throws IOException {
        base.validate();
        checkModes();
        Files.createDirectories(out);
        if (spread == null) checkSettings();
        else spread.agree(() -> {
            try {
                checkSettings();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        JsonArray searched = search != null ? new JsonArray() : null;
        List<ModelSpec> rows = search != null ? searchAll(searched) : models;
        List<String> labels = new ArrayList<>();
        int n = folds != null ? folds : runs;
        for (int i = 0; i < n; i++) labels.add(folds != null ? "fold-" + (i + 1) : "seed-" + (seed + i));

        JsonObject[] metrics = runAll(rows, labels, out, false);
        if (metrics == null) return null;
        List<ModelRuns> results = new ArrayList<>();
        for (int j = 0; j < rows.size(); j++) {
            double[] acc = new double[n];
            long params = -1;
            List<JsonObject> runsOfRow = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonObject m = metrics[j * n + i];
                acc[i] = figure(m, metric, runFile(out, rows.get(j), labels.get(i)));
                if (m.has("params")) params = m.get("params").getAsLong();
                runsOfRow.add(m);
            }
            results.add(new ModelRuns(rows.get(j).toString(), labels, acc, params, runsOfRow));
        }

        JsonObject summary = summarise(results);
        if (searched != null) {
            summary.addProperty("search_method", search.describe());
            summary.addProperty("search_runs", searchRuns);
            summary.add("search", searched);
        }
        if (ensemble) addEnsembles(summary, rows, labels);
        addCurves(summary, results);
        // Nulls kept (AtomicFiles.writeJson drops them): a figure that does not exist, e.g. the std of one run, stays visible.
        AtomicFiles.writeString(out.resolve("compare.json"), JSON.toJson(summary) + "\n");
        AtomicFiles.writeString(out.resolve("compare.csv"), csv(summary));
        boxPlot(out.resolve("compare.png"), results);
        return summary;
    }

    /** Refuses, in one sentence and before any training, a combination of modes that cannot work. */
    private void checkModes() {
        boolean lm = LmRun.applies(base);
        if (ensemble) {
            if (folds != null) throw new IllegalArgumentException("--ensemble averages runs on the same test set, but each fold tests on its own; use --runs");
            if (lm) throw new IllegalArgumentException("--ensemble averages class probabilities; " + base.dataset + " runs are language models (no classes to average)");
            if (!metric.equals("test_accuracy"))
                throw new IllegalArgumentException("--ensemble reports the ensemble's test accuracy, so it goes with --metric test_accuracy, not " + metric);
        }
        if (search != null) {
            if (folds != null) throw new IllegalArgumentException("--grid/--random choose on the validation split; with --folds use --runs instead");
            if (!lm && base.valFraction == 0)
                throw new IllegalArgumentException("--grid/--random choose each model's setting on the validation split: give a --val-split above 0");
            for (ModelSpec m : models)
                for (Map<String, String> s : search.settings()) m.with(s);   // an unknown key: one sentence now, not after hours
        }
    }

    /** Every run of rows x labels under dir, spread when a {@link Spread} is set; null in a process that does not summarise. */
    private JsonObject[] runAll(List<ModelSpec> rows, List<String> labels, Path dir, boolean searching) {
        int n = labels.size(), total = rows.size() * n;   // run k: row k / n, label k % n
        java.util.function.IntFunction<JsonObject> task = k -> {
            try {
                return runOne(rows.get(k / n), k % n, labels.get(k % n), k + 1, total, dir, searching);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        if (spread != null) return spread.run(total, task);
        JsonObject[] metrics = new JsonObject[total];
        for (int k = 0; k < total; k++) metrics[k] = task.apply(k);
        return metrics;
    }

    private static Path runFile(Path dir, ModelSpec row, String label) {
        return dir.resolve(row.dirName()).resolve(label + ".json");
    }

    /**
     * The search (the HHNN paper's §4.2): each model with each setting, trained {@link #searchRuns} times without
     * the test set, and the setting of the best mean validation figure kept. Fills searched with every setting tried.
     */
    private List<ModelSpec> searchAll(JsonArray searched) throws IOException {
        List<ModelSpec> candidates = new ArrayList<>();
        for (ModelSpec m : models) for (Map<String, String> s : search.settings()) candidates.add(m.with(s));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < searchRuns; i++) labels.add("seed-" + (seed + i));
        Path dir = out.resolve("search");
        log.printf("INFO search: %s; %d setting(s) x %d model(s) x %d run(s), chosen on %s%n", search.describe(),
                search.settings().size(), models.size(), searchRuns, validationKey());
        runAll(candidates, labels, dir, true);
        // Read back from the files on every process (each rank trained some), so all ranks choose the same rows.
        String key = validationKey();
        List<ModelSpec> chosen = new ArrayList<>();
        int per = search.settings().size();
        for (int j = 0; j < models.size(); j++) {
            JsonObject row = new JsonObject();
            row.addProperty("model", models.get(j).toString());
            row.addProperty("chosen_on", key);
            JsonArray tried = new JsonArray();
            int best = -1;
            double bestValue = Double.NaN;
            for (int c = 0; c < per; c++) {
                ModelSpec cand = candidates.get(j * per + c);
                double[] v = new double[searchRuns];
                for (int i = 0; i < searchRuns; i++) {
                    Path f = runFile(dir, cand, labels.get(i));
                    v[i] = figure(readJson(f), key, f);
                }
                double mean = Stats.mean(v);
                JsonObject t = new JsonObject();
                t.addProperty("setting", settingText(search.settings().get(c)));
                t.addProperty("spec", cand.toString());
                t.add("validation", Trainer.num(mean));
                t.add("validation_std", Trainer.num(Stats.std(v)));
                tried.add(t);
                if (Double.isFinite(mean) && (best < 0 || (lowerIsBetter ? mean < bestValue : mean > bestValue))) {
                    best = c;
                    bestValue = mean;
                }
            }
            if (best < 0) throw new IllegalArgumentException("search: no setting of " + models.get(j) + " gave a finite " + key + "; see " + dir);
            row.add("tried", tried);
            row.addProperty("chosen", candidates.get(j * per + best).toString());
            searched.add(row);
            chosen.add(candidates.get(j * per + best));
            log.printf("INFO search: %s chose %s (%s %.5f)%n", models.get(j), settingText(search.settings().get(best)), key, bestValue);
        }
        if (new LinkedHashSet<>(chosen).size() != chosen.size())
            throw new IllegalArgumentException("search: two --models rows chose the same setting (" + chosen + "); give models that differ in more than the searched keys");
        return chosen;
    }

    /** The validation figure a search chooses on: the metric's validation counterpart (val_accuracy, val_ppl, ...). */
    private String validationKey() {
        if (metric.startsWith("test_")) return "val_" + metric.substring(5);
        if (metric.startsWith("train_")) return "val_" + metric.substring(6);
        return metric;
    }

    private static String settingText(Map<String, String> s) {
        List<String> parts = new ArrayList<>();
        s.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }

    /**
     * A run's figure: a number, or for a per-epoch array (val_accuracy, train_accuracy, ...) its last epoch's; one
     * sentence naming the file when the run's metrics have no such figure.
     */
    static double figure(JsonObject m, String key, Path file) {
        JsonElement e = m.get(key);
        if (e == null)
            throw new IllegalArgumentException(file + ": the run's metrics have no '" + key + "' (it has: " + String.join(", ", m.keySet()) + ")");
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            return a.isEmpty() ? Double.NaN : number(a.get(a.size() - 1));
        }
        return number(e);
    }

    /** Run i of a row: its metrics file when an earlier comparison wrote it, else a training run that writes it. */
    private JsonObject runOne(ModelSpec model, int i, String label, int number, int total, Path dir, boolean searching) throws IOException {
        Path metrics = runFile(dir, model, label);
        String what = searching ? "search run" : "run";
        if (Files.exists(metrics)) {
            log.printf("INFO %s %d/%d: %s %s already done (%s)%n", what, number, total, model, label, metrics);
            return readJson(metrics);
        }
        boolean lm = LmRun.applies(base);   // a language-model run reads its own corpus
        if (lm && folds != null)
            throw new IllegalArgumentException("--folds does not apply to " + base.dataset + " (a token stream with its own splits); use --runs");
        // The data is loaded once, and only when some run is still to do.
        if (data == null && !lm) data = DataSets.load(base.dataset, base.dataDir);
        if (folds != null && foldIdx == null) foldIdx = KFold.split(data.train().size(), folds, seed);
        log.printf("INFO %s %d/%d: %s %s%n", what, number, total, model, label);
        Files.createDirectories(metrics.getParent());
        TrainConfig c = model.apply(base);
        c.seed = folds != null ? seed : seed + i;
        // A language-model run always tests too; a search reads only its validation figure.
        if (lm) return new LmRun(c, backend).log(log).metricsOut(metrics).run().metrics();
        DataSets.TrainTest d = folds != null ? foldData(data, foldIdx.get(i))
                : searching ? new DataSets.TrainTest(data.train(), data.test().take(new int[0]), data.dir())   // never the test set
                : data;
        TrainingRun.Result r = new TrainingRun(c, backend).log(log).data(d).run();
        // The test probabilities first: the metrics file is what marks a run done.
        if (!searching && folds == null) Ensemble.save(metrics, r.trainer().network(), backend, d.test());
        AtomicFiles.writeJson(metrics, r.metrics());
        log.println("INFO metrics written to " + metrics);
        return r.metrics();
    }

    /** One row per model after the models' own: the accuracy of its runs' averaged test probabilities. */
    private void addEnsembles(JsonObject summary, List<ModelSpec> rows, List<String> labels) {
        JsonArray ms = summary.getAsJsonArray("models");
        for (int j = 0; j < rows.size(); j++) {
            List<Path> files = new ArrayList<>();
            for (String l : labels) files.add(runFile(out, rows.get(j), l));
            Ensemble.Result e = Ensemble.of(files);
            JsonObject m = new JsonObject();
            JsonObject of = ms.get(j).getAsJsonObject();
            m.addProperty("model", of.get("model").getAsString() + " (ensemble)");
            m.addProperty("ensemble", true);
            if (of.has("params")) m.add("params", of.get("params"));
            m.addProperty("n", e.members());
            m.add("mean", Trainer.num(e.accuracy()));
            m.add("ensemble_nll", Trainer.num(e.nll()));
            ms.add(m);
        }
    }

    /** Per-epoch curves of every row's runs, overlaid with a mean ± std band: curves-KEY.png and compare.json's "curves". */
    private void addCurves(JsonObject summary, List<ModelRuns> results) throws IOException {
        JsonObject all = new JsonObject();
        for (String key : Curves.KEYS) {
            List<Curves.Band> bands = new ArrayList<>();
            for (ModelRuns r : results) {
                double[][] runsOf = Curves.runs(r.metrics(), key);
                if (runsOf != null) bands.add(new Curves.Band(r.model(), runsOf));
            }
            if (bands.isEmpty()) continue;
            all.add(key, Curves.json(bands));
            Curves.plot(out.resolve("curves-" + key + ".png"), key, key.replace("_per_epoch", "").replace('_', ' ') + " per epoch on "
                    + base.dataset + " (each run, mean ± std)", bands);
        }
        summary.add("curves", all);
    }

    /** The fold's training items train the run (its validation part comes from them); the fold itself is the test part. */
    private static DataSets.TrainTest foldData(DataSets.TrainTest all, KFold.Fold fold) {
        Dataset full = all.train();
        return new DataSets.TrainTest(full.take(fold.train()), full.take(fold.test()), all.dir());
    }

    /** settings.json holds what all runs must share; a resumed comparison must match it. */
    private void checkSettings() throws IOException {
        JsonObject s = new JsonObject();
        s.addProperty("folds", folds);
        s.addProperty("seed", seed);
        JsonObject train = base.toJson();
        train.remove("model");  // each run's own
        train.remove("seed");   // compare's seed above
        s.add("train", train);
        s = JsonParser.parseString(JSON.toJson(s)).getAsJsonObject(); // numbers as the file holds them (a float's 0.001 reads back as a double)
        Path f = out.resolve("settings.json");
        if (Files.exists(f)) {
            JsonObject old = readJson(f);
            if (!old.equals(s)) {
                throw new IllegalArgumentException(f + ": this compare was started with other settings (" + old
                        + ", now " + s + "); give another --out or the same flags");
            }
        } else {
            AtomicFiles.writeString(f, JSON.toJson(s) + "\n");
        }
    }

    /**
     * A JSON object a comparison wrote (a run's metrics, settings.json; reproduce reads its own settings with it too). Anything
     * else (damaged, truncated by a crash, edited) is one sentence naming the file, with Gson's position but none of its exception text.
     */
    public static JsonObject readJson(Path f) throws IOException {
        String why = "";
        try {
            JsonElement e = JsonParser.parseString(Files.readString(f));
            if (e.isJsonObject()) return e.getAsJsonObject();
        } catch (java.nio.charset.CharacterCodingException e) {
            why = " (not valid UTF-8)";
        } catch (com.google.gson.JsonParseException e) {
            why = Safetensors.jsonPosition(e);
        }
        throw new IllegalArgumentException(f + ": not a JSON object" + why + "; delete it to redo that run");
    }

    private static double number(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private JsonObject summarise(List<ModelRuns> results) {
        JsonObject o = new JsonObject();
        o.addProperty("dataset", base.dataset);
        o.addProperty("metric", metric);
        o.addProperty("lower_is_better", lowerIsBetter);
        o.addProperty("mode", folds != null ? "folds" : "seeds");
        o.addProperty("runs_per_model", results.get(0).accuracies().length);
        o.addProperty("baseline", results.get(0).model());
        o.addProperty("dir", out.toString());
        JsonArray ms = new JsonArray();
        ModelRuns first = results.get(0);
        for (int j = 0; j < results.size(); j++) {
            ModelRuns r = results.get(j);
            double[] v = r.accuracies();
            JsonObject m = new JsonObject();
            m.addProperty("model", r.model());
            if (r.params() >= 0) m.addProperty("params", r.params());
            m.addProperty("n", v.length);
            m.add("mean", Trainer.num(Stats.mean(v)));
            m.add("std", Trainer.num(Stats.std(v)));
            if (j > 0 && v.length >= 2 && first.accuracies().length >= 2) {
                // Signed so that positive means the first model is the better one (for a lower-is-better metric: lower).
                double[] a = lowerIsBetter ? v : first.accuracies(), b = lowerIsBetter ? first.accuracies() : v;
                Stats.Welch w = Stats.welch(a, b);
                m.add("hedges_g", Trainer.num(Stats.hedgesG(a, b)));
                m.add("welch_t", Trainer.num(w.t()));
                m.add("welch_df", Trainer.num(w.df()));
                m.add("welch_p", Trainer.num(w.p()));
            }
            if (bootstrap > 0) {
                Bootstrap.Interval ci = Bootstrap.meanCi(v, bootstrap, ciLevel, seed);
                JsonObject c = new JsonObject();
                c.add("lower", Trainer.num(ci.lower()));
                c.add("upper", Trainer.num(ci.upper()));
                c.addProperty("level", ciLevel);
                c.addProperty("resamples", bootstrap);
                m.add("bootstrap_ci", c);
            }
            JsonArray runsJson = new JsonArray();
            for (int i = 0; i < v.length; i++) {
                JsonObject run = new JsonObject();
                run.addProperty("run", r.labels().get(i));
                run.add(metric, Trainer.num(v[i]));
                runsJson.add(run);
            }
            m.add("runs", runsJson);
            ms.add(m);
        }
        o.add("models", ms);
        return o;
    }

    /**
     * Table 4 of the paper: one column per model, rows mean, std, then the tests against the first model. After a
     * search, first every setting tried with its validation figure, the chosen one marked.
     */
    public static String table(JsonObject summary) {
        JsonArray ms = summary.getAsJsonArray("models");
        int width = 12;
        for (JsonElement e : ms) width = Math.max(width, e.getAsJsonObject().get("model").getAsString().length() + 2);
        StringBuilder sb = new StringBuilder();
        if (summary.has("search")) sb.append(searchTable(summary)).append('\n');
        boolean lower = summary.has("lower_is_better") && summary.get("lower_is_better").getAsBoolean();
        sb.append(String.format(Locale.ROOT, "%s: %s%s over %d %s per model; tests: %s against each other model%n",
                summary.get("dataset").getAsString(), (summary.has("metric") ? summary.get("metric").getAsString() : "test_accuracy").replace('_', ' '),
                lower ? " (lower is better)" : "", summary.get("runs_per_model").getAsInt(),
                summary.get("mode").getAsString().equals("folds") ? "folds" : "seeds", summary.get("baseline").getAsString()));
        String[][] rows = {{"", "model"}, {"params", "params"}, {"n", "n"}, {"mean", "mean"}, {"std", "std"},
            {"Hedges' g", "hedges_g"}, {"Welch's t", "welch_t"}, {"df", "welch_df"}, {"p-value", "welch_p"}};
        for (String[] row : rows) {
            sb.append(String.format("%-12s", row[0]));
            for (JsonElement e : ms) sb.append(String.format("%" + width + "s", cell(e.getAsJsonObject(), row[1])));
            sb.append('\n');
        }
        if (ms.get(0).getAsJsonObject().has("bootstrap_ci")) {
            JsonObject c0 = ms.get(0).getAsJsonObject().getAsJsonObject("bootstrap_ci");
            sb.append(String.format(Locale.ROOT, "%-12s", Math.round(c0.get("level").getAsDouble() * 100) + "% CI low"));
            for (JsonElement e : ms) sb.append(String.format("%" + width + "s", ci(e.getAsJsonObject(), "lower")));
            sb.append('\n').append(String.format(Locale.ROOT, "%-12s", Math.round(c0.get("level").getAsDouble() * 100) + "% CI high"));
            for (JsonElement e : ms) sb.append(String.format("%" + width + "s", ci(e.getAsJsonObject(), "upper")));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Every setting tried per model with its mean validation figure; * marks the chosen one. */
    private static String searchTable(JsonObject summary) {
        JsonArray rows = summary.getAsJsonArray("search");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "search: %s; each setting's %s (mean of %d run(s), trained without the test set); * chosen%n",
                summary.get("search_method").getAsString(), rows.get(0).getAsJsonObject().get("chosen_on").getAsString().replace('_', ' '),
                summary.get("search_runs").getAsInt()));
        int width = 8, modelWidth = 8;
        for (JsonElement r : rows) {
            modelWidth = Math.max(modelWidth, r.getAsJsonObject().get("model").getAsString().length() + 2);
            for (JsonElement t : r.getAsJsonObject().getAsJsonArray("tried"))
                width = Math.max(width, t.getAsJsonObject().get("setting").getAsString().length() + 2);
        }
        for (JsonElement r : rows) {
            JsonObject row = r.getAsJsonObject();
            for (JsonElement t : row.getAsJsonArray("tried")) {
                JsonObject tried = t.getAsJsonObject();
                JsonElement v = tried.get("validation");
                sb.append(String.format(Locale.ROOT, "  %-" + modelWidth + "s%-" + width + "s %10s %s%n", row.get("model").getAsString(),
                        tried.get("setting").getAsString(), v.isJsonNull() ? "n/a" : String.format(Locale.ROOT, "%.5f", v.getAsDouble()),
                        tried.get("spec").getAsString().equals(row.get("chosen").getAsString()) ? "*" : ""));
            }
        }
        return sb.toString();
    }

    private static String cell(JsonObject m, String key) {
        JsonElement e = m.get(key);
        if (e == null) return "-";
        if (e.isJsonNull()) return "n/a";
        switch (key) {
            case "model": return e.getAsString();
            case "n": case "params": return e.getAsString();
            case "welch_df": return String.format(Locale.ROOT, "%.1f", e.getAsDouble());
            case "welch_p": return String.format(Locale.ROOT, "%.3g", e.getAsDouble());
            case "hedges_g": case "welch_t": return String.format(Locale.ROOT, "%.3f", e.getAsDouble());
            default: return String.format(Locale.ROOT, "%.5f", e.getAsDouble());
        }
    }

    private static String ci(JsonObject m, String key) {
        JsonElement e = m.getAsJsonObject("bootstrap_ci").get(key);
        return e.isJsonNull() ? "n/a" : String.format(Locale.ROOT, "%.5f", e.getAsDouble());
    }

    /** One row per model with the table's figures; empty cells where a figure does not apply. */
    public static String csv(JsonObject summary) {
        String[] keys = {"model", "params", "n", "mean", "std", "hedges_g", "welch_t", "welch_df", "welch_p"};
        StringBuilder sb = new StringBuilder(String.join(",", keys)).append(",ci_lower,ci_upper\n");
        for (JsonElement e : summary.getAsJsonArray("models")) {
            JsonObject m = e.getAsJsonObject();
            List<String> cells = new ArrayList<>();
            for (String k : keys) cells.add(m.has(k) && !m.get(k).isJsonNull() ? m.get(k).getAsString() : "");
            JsonObject c = m.getAsJsonObject("bootstrap_ci");
            for (String k : new String[] {"lower", "upper"}) cells.add(c != null && !c.get(k).isJsonNull() ? c.get(k).getAsString() : "");
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    /** A box per model of its runs' test accuracies. */
    private void boxPlot(Path png, List<ModelRuns> results) throws IOException {
        BoxChart chart = new BoxChartBuilder().width(800).height(500)
                .title(metric.replace('_', ' ') + " on " + base.dataset + " (" + results.get(0).accuracies().length
                        + (folds != null ? " folds" : " seeds") + " per model)")
                .yAxisTitle(metric.replace('_', ' ')).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (ModelRuns r : results) chart.addSeries(r.model(), r.accuracies());
        // Encoded in memory so the file is written atomically under its exact name.
        AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
