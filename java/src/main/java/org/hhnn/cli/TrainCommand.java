package org.hhnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.dist.Distributed;
import org.hhnn.dist.Mpi;
import org.hhnn.train.EvalResult;
import org.hhnn.train.LmRun;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn train}: parses the flags into a {@link TrainingRun} and prints its result. */
@Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "org.hhnn.cli.TrainDefaults",
        description = "Train a model on a data set.")
public class TrainCommand implements Callable<Integer> {

    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Mixin TrainOptions options = new TrainOptions();

    @Option(names = "--resume", paramLabel = "DIR",
            description = "continue the run saved in this checkpoint directory with its settings; flags given change those that may change")
    Path resume;

    @Mixin DistributedOption distributed = new DistributedOption();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        if (options.printConfig) {
            if (resume != null) throw new IllegalArgumentException("--print-config shows a new run's settings; leave out --resume");
            System.out.print(ConfigFile.yaml(options.config()));
            return 0;
        }
        Mpi mpi = distributed.start(backendOptions);
        Backend backend = backendOptions.resolve();
        if (resume != null ? LmRun.isLmCheckpoint(resume) : LmRun.applies(options.config())) {   // language models: their own run
            LmRun lm = resume != null ? LmRun.resume(resume, options.settings(), backend) : new LmRun(options.config(), backend);
            LmRun.Result r = lm.metricsOut(options.metricsOut).plot(options.plot).runDir(options.runDir).tensorboard(options.tensorboard)
                    .argv(spec.commandLine().getParseResult().originalArgs()).run();
            System.out.printf("test_ppl %.2f  test_loss %.4f  val_ppl %.2f  (%,d test tokens, backend %s, %.1fs training)%n", r.testPpl(),
                    r.testLoss(), r.metrics().get("val_ppl").getAsDouble(), r.testTokens(), backend.name(), r.trainSeconds());
            return 0;
        }
        TrainingRun run;
        if (resume != null) {
            run = TrainingRun.resume(resume, options.settings(), backend);
        } else {
            TrainConfig cfg = options.config();
            TrainConfig.Protocol p = TrainConfig.protocol(cfg.model, cfg.dataset);
            if (p != null) System.err.println("INFO " + cfg.model + " on " + cfg.dataset + " trains with " + p.describe() + " (flags given override it)");
            run = new TrainingRun(cfg, backend);
        }
        if (mpi != null) run.parallel((trainer, data) -> Distributed.attach(mpi, trainer, backend, data));
        TrainingRun.Result r = run.metricsOut(options.metricsOut).plot(options.plot).runDir(options.runDir).tensorboard(options.tensorboard)
                .argv(spec.commandLine().getParseResult().originalArgs()).run();
        if (r.test() != null) print(r, backend);
        return 0;
    }

    /** The run's one result line on stdout. */
    static void print(TrainingRun.Result r, Backend backend) {
        EvalResult test = r.test();
        System.out.printf("test_accuracy %.4f  test_loss %.4f  (%d samples, backend %s, %.1fs training)%n",
                test.accuracy(), test.loss(), test.count(), backend.name(), r.metrics().get("train_seconds").getAsDouble());
    }
}
