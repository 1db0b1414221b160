package org.hhnn.cli;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.dist.Mpi;
import org.hhnn.dist.RunSpread;
import org.hhnn.stats.Comparison;
import org.hhnn.stats.ModelSpec;
import org.hhnn.stats.Search;
import org.hhnn.train.RunRecord;
import org.hhnn.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code hhnn compare}: parses the flags into a {@link Comparison} (the modulation paper's Table 4) and prints its
 * table. Every flag compare does not know is a training flag, parsed as {@code hhnn train} parses it, so each run
 * trains exactly as {@code hhnn train} would.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train several models several times and compare their test accuracy (mean, std, Hedges' g, Welch's t-test).",
            "Any other `hhnn train` option (--epochs, --lr, --batch-size, --backend, --set, ...) is passed to every run."})
public final class CompareCommand implements Callable<Integer> {
    /** train flags that compare sets per run itself, so they cannot be passed through. */
    private static final List<String> OWN_FLAGS = List.of("--model", "--metrics-out", "--checkpoint-dir", "--resume",
            "--stop-after", "--plot");

    @Mixin DataOptions data = new DataOptions();   // --dataset is required here

    @Option(names = "--models", required = true, split = ",", paramLabel = "A,B,...",
            description = {"models to compare; the first is compared with each other one. Each may carry its own settings, "
                + "name:key=value:key=value (keys of --set, or training settings such as lr, weight_decay, batch_size), "
                + "e.g. 'densenet:growth=10,densenet-mod:growth=10'; the same model with other settings is another row"})
    List<String> models;

    @Option(names = "--metric", defaultValue = "test_accuracy", paramLabel = "NAME",
            description = "the figure of each run's metrics compared: test_accuracy, val_accuracy, train_accuracy (the last epoch's), "
                + "test_ppl for the language models, or any other figure of the metrics files (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--lower-is-better", description = "the metric improves downwards (perplexity, loss): Hedges' g and Welch's t are then "
            + "positive where the first model is lower, as the modulation paper's Table 7 reports them")
    boolean lowerIsBetter;

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

    @Option(names = "--ensemble", description = "also each model's ensemble: its runs' test-set class probabilities averaged, "
            + "reported as a row of its own (the HHNN paper's section 4.4)")
    boolean ensemble;

    @Option(names = "--grid", arity = "1..*", paramLabel = "KEY=a,b,c", parameterConsumer = UpToNextFlag.class,
            description = "search each model's settings first: every combination of these values (keys as in --models specs), "
                + "each trained without the test set, the best on validation kept and then tested (the HHNN paper's section 4.2)")
    List<String> grid;

    @Option(names = "--random", arity = "2..*", paramLabel = "N KEY=lo:hi", parameterConsumer = UpToNextFlag.class,
            description = "search as --grid, over N random draws of the ranges: rates (lr, weight_decay, lr_decay, keys ending in _rate "
                + "or _lr) log-uniform, other keys uniform (whole numbers when both ends are)")
    List<String> random;

    @Option(names = "--search-runs", defaultValue = "1", paramLabel = "K",
            description = "runs per searched setting; the setting with the best mean validation figure wins (default: ${DEFAULT-VALUE})")
    int searchRuns;

    @Mixin OutDirOption out = new OutDirOption();   // an existing folder is resumed

    @Mixin DistributedOption distributed = new DistributedOption();

    @Unmatched
    List<String> trainArgs = new ArrayList<>();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        if (data.dataset == null) throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dataset=<dataset>'");
        if (runs != null && folds != null) throw new IllegalArgumentException("give either --runs or --folds, not both");
        for (String a : trainArgs)
            for (String f : OWN_FLAGS)
                if (a.equals(f) || a.startsWith(f + "="))
                    throw new IllegalArgumentException("compare sets " + f + " for each run itself; leave it out");
        TrainCommand t = new TrainCommand();
        try {
            new CommandLine(t).parseArgs(trainArgs.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("compare: a flag for the training runs is wrong: " + e.getMessage(), e);
        }
        TrainConfig base = t.options.config();
        base.dataset = data.dataset;
        base.dataDir = data.data;
        base.seed = seed;
        base.validate(); // fails now, not after hours, on a bad train flag
        List<ModelSpec> specs = ModelSpec.parseAll(models);   // and on a bad model spec
        Search search = search(seed);   // and on an empty grid or a bad range
        if (t.options.printConfig) {
            System.out.print(ConfigFile.yaml(spec, base));
            return 0;
        }
        Mpi mpi = distributed.start(t.backendOptions);   // null unless under mpirun/srun or --distributed
        Path dir = out.dir("compare");
        if (mpi != null) dir = Path.of(RunSpread.share(mpi, dir.toString()));   // rank 0's clock names the folder
        Backend backend = t.backendOptions.resolve();
        // The comparison's own run record: shown when an earlier one in this folder is resumed, rewritten at the end.
        Path recordFile = dir.resolve(RunRecord.FILE);
        if (Files.isRegularFile(recordFile))
            System.err.println("INFO resuming the comparison in " + dir + ", started as\n     " + RunRecord.describe(RunRecord.read(recordFile)));
        RunRecord record = new RunRecord(spec.commandLine().getParseResult().originalArgs())
                .backend(backend).seed(seed);
        if (data.data != null) record.dataFiles(data.data);
        Comparison c = Comparison.of(specs, base, backend, dir).bootstrap(bootstrap, ciLevel).metric(metric, lowerIsBetter);
        if (folds != null) c.folds(folds);
        if (runs != null) c.runs(runs);
        if (ensemble) c.ensemble(true);
        if (search != null) c.search(search, searchRuns);
        if (mpi != null) c.spread(new RunSpread(mpi));
        JsonObject summary = c.run();
        if (summary == null) return 0;   // a rank other than 0: rank 0 prints the table and writes the record
        System.out.print(Comparison.table(summary));
        record.finish(dir);
        System.err.println("INFO results in " + dir + ": run.json, compare.json, compare.csv, compare.png, curves-*.png and one metrics file"
                + " (and its test probabilities) per run" + (search != null ? "; the search runs in search/" : ""));
        return 0;
    }

    /** --grid or --random as a {@link Search}; null without either. */
    private Search search(long seed) {
        if (grid != null && random != null) throw new IllegalArgumentException("give either --grid or --random, not both");
        if (grid != null) return Search.grid(grid);
        if (random == null) return null;
        int n;
        try {
            n = Integer.parseInt(random.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--random takes the number of draws first (--random N KEY=lo:hi ...), not '" + random.get(0) + "'");
        }
        return Search.random(n, random.subList(1, random.size()), seed);
    }

    /**
     * Takes an option's values up to the next flag: picocli would otherwise take a training flag it does not know
     * (--val-split, passed through to the runs) as one more KEY=values.
     */
    static final class UpToNextFlag implements CommandLine.IParameterConsumer {
        @Override public void consumeParameters(java.util.Stack<String> args, CommandLine.Model.ArgSpec arg, CommandLine.Model.CommandSpec cmd) {
            List<String> values = new ArrayList<>();
            while (!args.isEmpty() && !args.peek().startsWith("--")) values.add(args.pop());
            String flag = ((CommandLine.Model.OptionSpec) arg).longestName();
            if (values.isEmpty()) throw new CommandLine.ParameterException(cmd.commandLine(), flag + " needs at least one value");
            List<String> all = arg.getValue() == null ? new ArrayList<>() : new ArrayList<>(arg.<List<String>>getValue());
            all.addAll(values);
            arg.setValue(all);
        }
    }
}
