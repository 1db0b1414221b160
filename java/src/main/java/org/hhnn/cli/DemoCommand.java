package org.hhnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hhnn demo}: the main job. Trains the HHNN (Hodgkin-Huxley layer + Legendre readout) on
 * Fashion-MNIST on the fastest backend
 * and writes metrics, a checkpoint and the training curves under runs/&lt;timestamp&gt;/.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, resourceBundle = "org.hhnn.cli.TrainDefaults",
        description = "Train the demo model on Fashion-MNIST end to end; results under runs/<timestamp>/.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--epochs", description = "epochs (default: ${bundle:default.epochs})")
    Integer epochs;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "where run folders go (default: ${DEFAULT-VALUE})")
    Path runsDir;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Mixin BackendOptions backendOptions = new BackendOptions();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "hhnn", description = "model (default: ${DEFAULT-VALUE}, the Hodgkin-Huxley network)")
    String model;

    @Override public Integer call() throws Exception {
        Path run = runsDir.resolve(OutDirOption.timestamp());
        Files.createDirectories(run);
        TrainConfig cfg = new TrainConfig();   // the demo is `train` with its defaults but these
        cfg.model = model;
        cfg.dataset = "fashion-mnist";
        cfg.dataDir = data;
        if (epochs != null) cfg.epochs = epochs;
        cfg.checkpointDir = run.resolve("checkpoint");
        Backend backend = backendOptions.resolve();
        System.err.println("INFO demo: training " + model + " on Fashion-MNIST for " + cfg.epochs + " epochs; results go to " + run);
        TrainCommand.print(new TrainingRun(cfg, backend).runDir(run).argv(spec.commandLine().getParseResult().originalArgs()).run(), backend);
        String extra = "";
        if (model.equals("hhnn")) {
            // what the HH neurons learned: each neuron's readout function f_j(V) = Σ_k A_jk P_k(x(V))
            SimulateCommand.plotReadouts(backend, run.resolve("checkpoint"), run);
            extra = ", readout_*.png";
        }
        System.out.println("results in " + run + ": run.json, metrics.json, checkpoint/, curves.png, events.out.tfevents.*" + extra);
        return 0;
    }
}
