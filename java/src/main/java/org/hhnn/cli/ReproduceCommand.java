package org.hhnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.reproduce.Arm;
import org.hhnn.reproduce.Preset;
import org.hhnn.reproduce.Presets;
import org.hhnn.reproduce.Reproduction;
import org.hhnn.train.ActivationCurves;
import org.hhnn.train.TrainingRun;
import picocli.CommandLine;
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
        if (p.name().startsWith("modulation-table4")) {
            Arm mod = arm(r, "lstm-mod"), control = arm(r, CONTROL);
            r.extraSection(d -> table5(mod, control, backend, d.resolve("table5")));
        }
        System.err.print("INFO " + r.plan());
        r.run();
        System.out.println("report: " + dir.resolve("REPORT.md"));
        return 0;
    }

    /** Table 5's control: the vanilla LSTM with the modulated one's hidden size, so that node j is drawn on both sides. */
    static final String CONTROL = "lstm-control2";

    private static Arm arm(Reproduction r, String key) {
        return r.arms().stream().filter(a -> a.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the LSTM preset has no " + key + " arm"));
    }

    /**
     * The paper's Table 5 beside the statistics: one more run each of the control and the modulated LSTM (seed 1, the
     * preset's settings) that keeps its checkpoint, drawn by {@code hhnn viz activations} (control left, modulated right);
     * kept and reused when the reproduction resumes. The modulated run and its panels sit in table5/ itself, the
     * control's in table5/control/.
     */
    private static List<String> table5(Arm mod, Arm control, Backend backend, Path dir) {
        int nodes = 2;
        String failed = draw(mod, backend, dir, nodes) + draw(control, backend, dir.resolve("control"), nodes);
        if (!failed.isEmpty()) return List.of("## Table 5: activation picture", "", "Not drawn:" + failed);
        List<String> md = new ArrayList<>(List.of("## Table 5: activation picture (control beside modulated)", "",
                "Each row is one hidden node of a trained " + control.key() + " (left: the control, a vanilla LSTM with the same "
                        + "hidden size) and a trained " + mod.key() + " (right), seed 1 each, this preset's settings. Each curve is one "
                        + "test input; i and s are taken at its last token. On the left the input gate i scales the amplitude of the "
                        + "fixed activation: i·tanh(v). On the right the modulation s = σ_m(m) changes the slope as well: i·tanh(s·v). "
                        + "The unmodulated tanh(v) is drawn on both sides for reference. The i and s values, with the candidate preactivation g "
                        + "each input reached and its activation there (the paper's dots), are in `table5/control/"
                        + ActivationCurves.CSV + "` and `table5/" + ActivationCurves.CSV + "`.", "",
                "| node | control (" + control.key() + "): i·tanh(v) | modulated (" + mod.key() + "): i·tanh(s·v) |", "|---|---|---|"));
        for (int j = 0; j < nodes; j++)
            md.add("| " + j + " | ![control node " + j + "](table5/control/node" + j + ".png) | ![modulated node " + j + "](table5/node" + j + ".png) |");
        return md;
    }

    // Trains a's seed-1 run into out/run unless it is kept there, then draws it into out; "" or what failed.
    private static String draw(Arm a, Backend backend, Path out, int nodes) {
        Path run = out.resolve("run");
        if (!Files.exists(run.resolve("metrics.json"))) {
            System.err.println("INFO Table 5: one more " + a.key() + " run (seed 1) that keeps its checkpoint, for the activation picture");
            new TrainingRun(a.config().copy(), backend).runDir(run).run();
        }
        List<String> args = new ArrayList<>(List.of("--checkpoint", run.resolve("checkpoint").toString(), "--out", out.toString(),
                "--nodes", Integer.toString(nodes), "--inputs", "6", "--backend", backend.name()));
        if (a.config().dataDir != null) args.addAll(List.of("--data", a.config().dataDir.toString()));
        int code = new CommandLine(new VizActivationsCommand()).execute(args.toArray(new String[0]));
        return code == 0 ? "" : " `hhnn viz activations` failed on the " + a.key() + " run (exit " + code + ").";
    }
}
