package org.hhnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.reproduce.Preset;
import org.hhnn.reproduce.Presets;
import org.hhnn.reproduce.Reproduction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hhnn reproduce NAME}: parses the flags into a {@link Reproduction} of one preset and runs it. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one table of the papers with its protocol and write reproduction/NAME/REPORT.md: the published figures "
                + "beside ours, the statistics, the figures, the commands, versions and data hashes.",
            "Presets: modulation-table2, modulation-table4-names, modulation-table4-sst2, modulation-table7-ptb, hhnn-vs-mlp, hhnn-text."})
public final class ReproduceCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the preset")
    String name;

    @Option(names = "--print-config", description = "list what the preset will run at this scale (models, runs, epochs, the "
            + "equivalent `hhnn compare` commands) and stop")
    boolean printConfig;

    @Option(names = "--scale", paramLabel = "F", description = "multiply the paper's epochs and runs by F in (0, 1] (1 = the full "
            + "protocol; default: the preset's, chosen to finish in about an hour on a 2-core machine where that is possible)")
    Double scale;

    @Option(names = "--limit-train", paramLabel = "N", defaultValue = "0",
            description = "train every run on only the first N training items: a quick trial, said in the report")
    int limitTrain;

    /** The data folder and the output folder. */
    @Option(names = "--data", paramLabel = "DIR", description = "the data set's folder (modulation-table2: CIFAR-10's files; without "
            + "them Fashion-MNIST stands in; default: the standard location)")
    Path data;
    @Option(names = "--out", paramLabel = "DIR", description = "where the runs and the report go; an existing one is resumed "
            + "(default: reproduction/NAME)")
    Path out;

    @Override public Integer call() {
        Preset p = Presets.get(name, data);
        double f = scale != null ? scale : p.defaultScale();
        Path dir = out != null ? out : Path.of("reproduction", p.name());
        if (printConfig) {
            // No backend is needed to list the plan.
            System.out.print(new Reproduction(p, f, null, dir).limitTrain(limitTrain).plan());
            return 0;
        }
        if (data == null && p.name().equals("modulation-table2"))
            System.err.println("INFO CIFAR-10 not given (--data DIR): Fashion-MNIST stands in for it; the report says so");
        Backend backend = backendOptions.resolve();
        Reproduction r = new Reproduction(p, f, backend, dir).limitTrain(limitTrain)
                .argv(spec.commandLine().getParseResult().originalArgs());
        System.err.print("INFO " + r.plan());
        r.run();
        System.out.println("report: " + dir.resolve("REPORT.md"));
        return 0;
    }
}
