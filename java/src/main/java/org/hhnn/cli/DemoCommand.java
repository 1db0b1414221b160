package org.hhnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hhnn demo}: the main job. Trains the HHNN (Hodgkin-Huxley layer + Legendre readout) on
 * Fashion-MNIST on the fastest backend
 * and writes metrics, a checkpoint and the training curves under runs/&lt;timestamp&gt;/.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train the demo model on Fashion-MNIST end to end; results under runs/<timestamp>/.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--epochs", defaultValue = "3", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "where run folders go (default: ${DEFAULT-VALUE})")
    Path runsDir;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend (default: the fastest available)")
    String backend;

    @Option(names = "--model", defaultValue = "hhnn", description = "model (default: ${DEFAULT-VALUE}, the Hodgkin-Huxley network)")
    String model;

    @Override public Integer call() throws Exception {
        Path run = runsDir.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(run);
        // The demo is `train` with fixed flags: parse them with picocli so every other default is train's own.
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--model", model, "--dataset", "fashion-mnist", "--epochs", Integer.toString(epochs), "--seed", "1",
                "--run-dir", run.toString()));
        if (data != null) args.addAll(java.util.List.of("--data", data.toString()));
        if (backend != null) args.addAll(java.util.List.of("--backend", backend));
        TrainCommand t = new TrainCommand();
        new picocli.CommandLine(t).parseArgs(args.toArray(new String[0]));
        System.err.println("INFO demo: training " + t.model + " on Fashion-MNIST for " + epochs + " epochs; results go to " + run);
        t.runTraining();
        String extra = "";
        if (model.equals("hhnn")) {
            // what the HH neurons learned: each neuron's readout function f_j(V) = Σ_k A_jk P_k(x(V))
            SimulateCommand.plotReadouts(t.backendOptions.resolve(), run.resolve("checkpoint"), run);
            extra = ", readout_*.png";
        }
        System.out.println("results in " + run + ": run.json, metrics.json, checkpoint/, curves.png, events.out.tfevents.*" + extra);
        return 0;
    }
}
