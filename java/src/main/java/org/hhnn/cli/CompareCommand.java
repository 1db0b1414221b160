package org.hhnn.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.dist.Distributed;
import org.hhnn.dist.DistributedException;
import org.hhnn.dist.Mpi;
import org.hhnn.dist.RunSpread;
import org.hhnn.stats.Bootstrap;
import org.hhnn.stats.KFold;
import org.hhnn.stats.Stats;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Trainer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code hhnn compare}: trains every model of {@code --models} several times with the same
 * hyperparameters (one run per seed, or one per fold with {@code --folds}) and prints the
 * modulation paper's Table 4: mean and standard deviation of the test accuracy per model, and
 * Hedges' g and Welch's t-test of the first model against each other one.
 *
 * <p>Each run is an {@code hhnn train} parsed with picocli from compare's own flags plus every
 * flag compare does not know, so a run trains exactly as {@code hhnn train} would. A run's metrics
 * file, {@code <out>/<model>/seed-<s>.json} (or {@code fold-<i>.json}), is written when the run
 * ends; a compare started again with the same {@code --out} reuses those and trains only the
 * missing runs. {@code <out>/settings.json} records what the runs share and refuses to mix runs of
 * different settings.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train several models several times and compare their test accuracy (mean, std, Hedges' g, Welch's t-test).",
            "Any other `hhnn train` option (--epochs, --lr, --batch-size, --backend, --set, ...) is passed to every run."})
public final class CompareCommand implements Callable<Integer> {
    static {
        // Before the first AWT class initialises (as in train.Plots); an explicit -Djava.awt.headless wins.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    /** train flags that compare sets per run itself, so they cannot be passed through. */
    private static final List<String> OWN_FLAGS = List.of("--model", "--metrics-out", "--checkpoint-dir", "--resume",
            "--stop-after", "--plot");

    @Option(names = "--dataset", required = true, description = "data set: fashion-mnist, names, sst2, cifar10")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "directory holding the data set's files (default: its standard location)")
    Path data;

    @Option(names = "--models", required = true, split = ",", paramLabel = "A,B,...",
            description = "models to compare; the first is compared with each other one")
    List<String> models;

    @Option(names = "--runs", paramLabel = "N", description = "runs per model, with seeds --seed, --seed+1, ... (default: 3)")
    Integer runs;

    @Option(names = "--folds", paramLabel = "K",
            description = "k-fold cross-validation on the training data instead of seeds: one run per fold, tested on that fold")
    Integer folds;

    @Option(names = "--seed", defaultValue = "1",
            description = "first seed; with --folds, the seed of the fold split and of every run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "0",
            description = "also a percentile bootstrap confidence interval of each model's mean accuracy from B resamples (0 = none)")
    int bootstrap;

    @Option(names = "--ci-level", defaultValue = "0.95", description = "level of the bootstrap interval (default: ${DEFAULT-VALUE})")
    double ciLevel;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where runs and results go; an existing one is resumed (default: runs/compare-<timestamp>)")
    Path out;

    @Unmatched
    List<String> trainArgs = new ArrayList<>();

    /** One model's results in run order. */
    private record ModelRuns(String model, List<String> labels, double[] accuracies, long params) {}

    @Option(names = "--distributed", description = "spread the runs over an MPI job even when no launcher variable is seen "
            + "(under mpirun or srun this is automatic): each rank trains whole runs, rank 0 gathers the results")
    boolean distributed;

    private DataSets.TrainTest all;          // loaded once, and only when some run is still to do
    private List<KFold.Fold> foldIdx;

    @Override public Integer call() throws IOException {
        validate();
        Mpi mpi = Distributed.start(distributed);   // null unless under mpirun/srun or --distributed
        if (mpi != null) Distributed.prepare(mpi, null, null);
        Path dir = out != null ? out
                : Path.of("runs", "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (mpi != null) dir = Path.of(RunSpread.share(mpi, dir.toString()));   // rank 0's clock names the folder
        Files.createDirectories(dir);
        if (mpi == null) checkSettings(dir);
        else RunSpread.agree(mpi, mpi.isRoot() ? settingsProblem(dir) : null);
        List<String> labels = new ArrayList<>();
        int n = folds != null ? folds : runs;
        for (int i = 0; i < n; i++) labels.add(folds != null ? "fold-" + (i + 1) : "seed-" + (seed + i));

        int total = models.size() * n;
        JsonObject[] metrics = new JsonObject[total];   // run k: model k / n, label k % n
        final Path runsDir = dir;
        if (mpi == null) {
            for (int k = 0; k < total; k++) metrics[k] = run(runsDir, models.get(k / n), k % n, labels.get(k % n), k + 1, total);
        } else {
            List<RunSpread.Outcome> got = RunSpread.run(mpi, total, k -> {
                try {
                    return run(runsDir, models.get(k / n), k % n, labels.get(k % n), k + 1, total);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<String> failed = new ArrayList<>();
            for (int k = 0; k < total; k++) {
                RunSpread.Outcome o = got.get(k);
                if (o != null && o.error() != null) failed.add(models.get(k / n) + " " + labels.get(k % n) + " (" + o.error() + ")");
                else if (o != null) metrics[k] = o.result();
            }
            if (!failed.isEmpty())
                throw new DistributedException(failed.size() + " of " + total + " runs failed: " + String.join("; ", failed)
                        + "; the other runs are kept in " + dir + ", run the same command again to redo the failed ones", true);
            if (!mpi.isRoot()) return 0;   // rank 0 alone summarises and writes
        }
        List<ModelRuns> results = new ArrayList<>();
        for (int j = 0; j < models.size(); j++) {
            double[] acc = new double[n];
            long params = -1;
            for (int i = 0; i < n; i++) {
                JsonObject m = metrics[j * n + i];
                acc[i] = number(m.get("test_accuracy"));
                if (m.has("params")) params = m.get("params").getAsLong();
            }
            results.add(new ModelRuns(models.get(j), labels, acc, params));
        }

        JsonObject summary = summarise(results, dir);
        System.out.print(table(summary));
        // Nulls kept (AtomicFiles.writeJson drops them): a figure that does not exist, e.g. the std of one run, stays visible.
        AtomicFiles.writeString(dir.resolve("compare.json"), JSON.toJson(summary) + "\n");
        AtomicFiles.writeString(dir.resolve("compare.csv"), csv(summary));
        boxPlot(dir.resolve("compare.png"), results);
        System.err.println("INFO results in " + dir + ": compare.json, compare.csv, compare.png and one metrics file per run");
        return 0;
    }

    /** Run i of a model: its metrics file when a previous compare wrote it, else a training run that writes it. */
    private JsonObject run(Path dir, String model, int i, String label, int number, int total) throws IOException {
        Path metrics = dir.resolve(model).resolve(label + ".json");
        if (Files.exists(metrics)) {
            System.err.printf("INFO run %d/%d: %s %s already done (%s)%n", number, total, model, label, metrics);
            return readMetrics(metrics);
        }
        if (all == null) all = DataSets.load(dataset, data);
        if (folds != null && foldIdx == null) foldIdx = KFold.split(all.train().size(), folds, seed);
        System.err.printf("INFO run %d/%d: %s %s%n", number, total, model, label);
        Files.createDirectories(metrics.getParent());
        TrainCommand t = trainCommand(model, folds != null ? seed : seed + i, metrics);
        t.preloaded = folds == null ? all : foldData(all, foldIdx.get(i));
        return t.runTraining();
    }

    private void validate() {
        if (runs != null && folds != null) throw new IllegalArgumentException("give either --runs or --folds, not both");
        if (runs == null) runs = 3;
        if (runs < 1) throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
        if (folds != null && folds < 2) throw new IllegalArgumentException("--folds must be at least 2, got " + folds);
        if (bootstrap < 0) throw new IllegalArgumentException("--bootstrap must be >= 0, got " + bootstrap);
        if (!(ciLevel > 0 && ciLevel < 1)) throw new IllegalArgumentException("--ci-level must be in (0, 1), got " + ciLevel);
        if (new LinkedHashSet<>(models).size() != models.size()) throw new IllegalArgumentException("--models lists a model twice: " + models);
        for (String a : trainArgs) {
            for (String f : OWN_FLAGS) {
                if (a.equals(f) || a.startsWith(f + "=")) {
                    throw new IllegalArgumentException("compare sets " + f + " for each run itself; leave it out");
                }
            }
        }
        trainCommand(models.get(0), seed, Path.of("unused.json")); // fails now, not after hours, on a bad train flag
    }

    /** A train command for one run: compare's data flags, the model and seed, then the passed-through flags. */
    private TrainCommand trainCommand(String model, long runSeed, Path metrics) {
        List<String> args = new ArrayList<>(List.of("--model", model, "--dataset", dataset, "--seed", Long.toString(runSeed),
                "--metrics-out", metrics.toString()));
        if (data != null) args.addAll(List.of("--data", data.toString()));
        args.addAll(trainArgs);
        TrainCommand t = new TrainCommand();
        t.singleProcess = true;   // under mpirun each rank trains whole runs
        try {
            new CommandLine(t).parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("compare: a flag for the training runs is wrong: " + e.getMessage(), e);
        }
        return t;
    }

    /** The fold's training items train the run (its validation part comes from them); the fold itself is the test part. */
    private static DataSets.TrainTest foldData(DataSets.TrainTest all, KFold.Fold fold) {
        Dataset full = all.train();
        return new DataSets.TrainTest(full.take(fold.train()), full.take(fold.test()), all.dir());
    }

    /** {@link #checkSettings}'s complaint as a sentence, or null (rank 0 checks for the whole MPI job). */
    private String settingsProblem(Path dir) {
        try {
            checkSettings(dir);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** settings.json holds what all runs must share; a resumed compare must match it. */
    private void checkSettings(Path dir) throws IOException {
        JsonObject s = new JsonObject();
        s.addProperty("dataset", dataset);
        s.addProperty("data", data == null ? null : data.toString());
        s.addProperty("folds", folds);
        s.addProperty("seed", seed);
        JsonArray a = new JsonArray();
        trainArgs.stream().filter(x -> !x.equals("--no-progress")).forEach(a::add); // cosmetic: may change on resume
        s.add("train_args", a);
        Path f = dir.resolve("settings.json");
        if (Files.exists(f)) {
            JsonObject old = readMetrics(f);
            if (!old.equals(s)) {
                throw new IllegalArgumentException(f + ": this compare was started with other settings (" + old
                        + ", now " + s + "); give another --out or the same flags");
            }
        } else {
            AtomicFiles.writeString(f, JSON.toJson(s) + "\n");
        }
    }

    private static JsonObject readMetrics(Path f) throws IOException {
        try {
            return JsonParser.parseString(Files.readString(f)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f + ": not a JSON object (" + e.getMessage() + "); delete it to redo that run", e);
        }
    }

    private static double number(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private JsonObject summarise(List<ModelRuns> results, Path dir) {
        JsonObject o = new JsonObject();
        o.addProperty("dataset", dataset);
        o.addProperty("metric", "test_accuracy");
        o.addProperty("mode", folds != null ? "folds" : "seeds");
        o.addProperty("runs_per_model", results.get(0).accuracies().length);
        o.addProperty("baseline", results.get(0).model());
        o.addProperty("dir", dir.toString());
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
                Stats.Welch w = Stats.welch(first.accuracies(), v);
                m.add("hedges_g", Trainer.num(Stats.hedgesG(first.accuracies(), v)));
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
                run.add("test_accuracy", Trainer.num(v[i]));
                runsJson.add(run);
            }
            m.add("runs", runsJson);
            ms.add(m);
        }
        o.add("models", ms);
        return o;
    }

    /** Table 4 of the paper: one column per model, rows mean, std, then the tests against the first model. */
    static String table(JsonObject summary) {
        JsonArray ms = summary.getAsJsonArray("models");
        int width = 12;
        for (JsonElement e : ms) width = Math.max(width, e.getAsJsonObject().get("model").getAsString().length() + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: test accuracy over %d %s per model; tests: %s against each other model%n",
                summary.get("dataset").getAsString(), summary.get("runs_per_model").getAsInt(),
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
    static String csv(JsonObject summary) {
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
                .title("test accuracy on " + dataset + " (" + results.get(0).accuracies().length
                        + (folds != null ? " folds" : " seeds") + " per model)")
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (ModelRuns r : results) chart.addSeries(r.model(), r.accuracies());
        // Encoded in memory so the file is written atomically under its exact name.
        AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
