package org.hhnn.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.dist.DataParallel;
import org.hhnn.dist.Distributed;
import org.hhnn.dist.Mpi;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.EpochStats;
import org.hhnn.train.EvalResult;
import org.hhnn.train.Plots;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn train}: train a model, validate each epoch, test at the end, write metrics/checkpoints. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model on a data set.")
public class TrainCommand implements Callable<Integer> {

    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--model", description = "model name: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})", defaultValue = "mlp",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--dataset", description = "data set: fashion-mnist, names, sst2, cifar10 (default: ${DEFAULT-VALUE})", defaultValue = "fashion-mnist")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "directory holding the data set's files (default: its standard location)")
    Path data;

    @Option(names = "--epochs", defaultValue = "3", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "minibatch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd | nesterov | adam | adamw (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "weight decay (L2 for sgd/adam, decoupled for adamw)")
    float weightDecay;

    @Option(names = "--lr-decay", defaultValue = "0", description = "Keras-style time decay: lr / (1 + decay * step)")
    float lrDecay;

    @Option(names = "--lr-steps", paramLabel = "F,F|none",
            description = "multiply the lr by 0.1 at these fractions of training, or none (default: 0.8 for cnn and cnn-mod, 0.5,0.8 otherwise)")
    String lrSteps;

    @Option(names = "--clip-norm", defaultValue = "0", description = "global gradient-norm clipping (0 = off)")
    double clipNorm;

    @Option(names = "--seed", defaultValue = "1", description = "seed for initialisation, shuffling, dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--val-split", defaultValue = "0.1", description = "fraction of the training data held out for validation (default: ${DEFAULT-VALUE})")
    double valSplit;

    @Option(names = "--limit-train", paramLabel = "N", description = "use only the first N training samples")
    Integer limitTrain;

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "hidden layer sizes of the mlp (default: 256)")
    int[] hidden;

    @Option(names = "--dropout", description = "dropout probability after each hidden layer of the mlp (default: 0)")
    Float dropout;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a model setting, e.g. --set neurons=256 --set steps=400 --set readout=dense --set hh_layers=2")
    java.util.Map<String, String> settings;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "write metrics as JSON here")
    Path metricsOut;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "write a checkpoint (safetensors + config.json) here after each epoch")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue training from this checkpoint directory (to --epochs in total)")
    Path resume;

    @Option(names = "--augment", description = "image augmentation of each training batch: random shift by up to 2 px and horizontal mirror (seeded)")
    boolean augment;

    @Option(names = "--stop-after", paramLabel = "N", defaultValue = "0",
            description = "stop after N epochs of this run (the schedule still spans --epochs); continue later with --resume")
    int stopAfter;

    @Option(names = "--plot", paramLabel = "PNG", description = "write the loss/accuracy curves here")
    Path plot;

    @Option(names = "--no-progress", description = "no progress bars")
    boolean noProgress;

    @Option(names = "--distributed", description = "data-parallel over an MPI job even when no launcher variable is seen "
            + "(under mpirun or srun this is automatic)")
    boolean distributed;

    /** True for compare's runs: each is a whole run on one rank, never data-parallel. */
    boolean singleProcess;

    /** Data to use instead of loading --dataset (compare's k-fold runs: the held-out fold is the test part). */
    DataSets.TrainTest preloaded;

    @Override public Integer call() throws IOException {
        runTraining();
        return 0;
    }

    static double[] parseSteps(String s) {
        if (s.equalsIgnoreCase("none") || s.isBlank()) return new double[0];
        String[] parts = s.split(",");
        double[] f = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                f[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--lr-steps: '" + parts[i] + "' is not a number (expected fractions like 0.5,0.8 or none)");
            }
            if (!(f[i] > 0 && f[i] < 1)) throw new IllegalArgumentException("--lr-steps: " + f[i] + " is not a fraction in (0, 1)");
        }
        return f;
    }

    /** Trains, tests, writes what was asked for, and returns the metrics object. */
    JsonObject runTraining() throws IOException {
        Mpi mpi = singleProcess ? null : Distributed.start(distributed);   // null unless under mpirun/srun or --distributed
        if (mpi != null) Distributed.prepare(mpi, backendOptions.backend, backendOptions.threads);
        Backend backend = backendOptions.resolve();
        DataSets.TrainTest tt = preloaded != null ? preloaded : DataSets.load(dataset, data);
        Dataset full = tt.train();
        if (limitTrain != null) {
            if (limitTrain < 1) throw new IllegalArgumentException("--limit-train must be at least 1, got " + limitTrain);
            full = full.limit(limitTrain);
        }

        Trainer trainer;
        if (resume != null) {
            trainer = Trainer.resume(resume, backend, System.err, epochs);
            if (checkpointDir != null) trainer.config().checkpointDir = checkpointDir;
        } else {
            TrainConfig cfg = new TrainConfig();
            cfg.epochs = epochs;
            cfg.batchSize = batchSize;
            cfg.lr = lr;
            cfg.optimizer = optimizer;
            cfg.momentum = momentum;
            cfg.weightDecay = weightDecay;
            cfg.lrDecay = lrDecay;
            cfg.lrSteps = lrSteps != null ? parseSteps(lrSteps) : TrainConfig.defaultLrSteps(model);
            cfg.clipNorm = clipNorm;
            cfg.seed = seed;
            cfg.valFraction = valSplit;
            cfg.checkpointDir = checkpointDir;
            JsonObject mc = Models.defaults(model, full.features(), full.numClasses());
            if (full.vocabSize() > 0) mc.addProperty("vocab", full.vocabSize()); // token-id data: the embedding's size
            Models.setInputStats(mc, full.split(valSplit, seed).train().x()); // statistics of the training part only
            if (hidden != null) {
                JsonArray h = new JsonArray();
                for (int v : hidden) h.add(v);
                mc.add("hidden", h);
            }
            if (dropout != null) mc.addProperty("dropout", dropout);
            // SST-2 is the paper's Advanced-LSTM task (word level): embedding 300, hidden 150, no dropout
            if (dataset.equals("sst2") && model.startsWith("lstm")) org.hhnn.nn.ModulatedModels.advanced(mc);
            Models.applyOverrides(mc, settings);
            Network net = Models.build(mc, backend, seed);
            trainer = new Trainer(net, backend, cfg, System.err);
        }
        TrainConfig cfg = trainer.config();
        cfg.progress = !noProgress;
        if (stopAfter < 0) throw new IllegalArgumentException("--stop-after must be >= 0, got " + stopAfter);
        cfg.stopAfter = stopAfter;
        if (augment) {
            if (full.featureShape().length != 3)
                throw new IllegalArgumentException("--augment needs image data (channels, height, width); " + dataset + " has feature shape "
                        + java.util.Arrays.toString(full.featureShape()));
            cfg.augment = org.hhnn.data.Augment.shiftMirror(cfg.seed);
        }
        Dataset.Split split = full.split(cfg.valFraction, cfg.seed);

        JsonObject dataInfo = new JsonObject();
        dataInfo.addProperty("dataset", dataset);
        dataInfo.addProperty("dir", tt.dir().toString());
        dataInfo.addProperty("train", split.train().size());
        dataInfo.addProperty("validation", split.validation().size());
        dataInfo.addProperty("test", tt.test().size());
        trainer.provenance().add("data", dataInfo);

        DataParallel parallel = mpi != null ? Distributed.attach(mpi, trainer, backend, dataInfo) : null;
        Network net = trainer.network();
        System.err.printf("INFO model %s, %,d parameters; %s; %d train / %d validation / %d test samples%n",
                net.model, net.body.parameterCount(), trainer.optimizer().describe(),
                split.train().size(), split.validation().size(), tt.test().size());

        long t0 = System.nanoTime();
        List<EpochStats> history = trainer.fit(split.train(), split.validation());
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        if (parallel != null && !parallel.isRoot()) return new JsonObject();   // rank 0 alone tests and writes
        EvalResult test = trainer.evaluate(tt.test());
        System.out.printf("test_accuracy %.4f  test_loss %.4f  (%d samples, backend %s, %.1fs training)%n",
                test.accuracy(), test.loss(), test.count(), backend.name(), trainSeconds);

        JsonObject m = new JsonObject();
        m.addProperty("model", net.model);
        m.addProperty("dataset", dataset);
        m.addProperty("backend", backend.name());
        m.addProperty("seed", cfg.seed);
        m.addProperty("params", net.body.parameterCount());
        m.addProperty("optimizer", trainer.optimizer().describe());
        m.add("test_accuracy", Trainer.num(test.accuracy()));
        m.add("test_loss", Trainer.num(test.loss()));
        JsonArray trainLoss = new JsonArray(), valAcc = new JsonArray(), valLoss = new JsonArray(), secs = new JsonArray();
        for (EpochStats s : history) {
            trainLoss.add(Trainer.num(s.trainLoss()));
            valAcc.add(Trainer.num(s.valAccuracy()));
            valLoss.add(Trainer.num(s.valLoss()));
            secs.add(Trainer.num(s.seconds()));
        }
        m.add("train_loss", trainLoss);
        m.add("val_accuracy", valAcc);
        m.add("val_loss", valLoss);
        m.add("seconds", secs);
        m.add("epochs", trainer.historyJson());
        m.add("data", dataInfo);
        m.add("model_config", net.config);
        m.add("train_config", cfg.toJson());
        m.addProperty("train_seconds", trainSeconds);
        if (parallel != null) {
            m.addProperty("ranks", parallel.mpi().size());
            m.addProperty("allreduce_seconds_per_step", parallel.collectiveSecondsPerStep());
            m.addProperty("allreduce_bytes_per_step", parallel.bytesPerStep());
        }
        if (metricsOut != null) {
            AtomicFiles.writeJson(metricsOut, m);
            System.err.println("INFO metrics written to " + metricsOut);
        }
        if (plot != null) {
            List<Double> tl = new ArrayList<>(), vl = new ArrayList<>(), va = new ArrayList<>();
            for (EpochStats s : history) { tl.add(s.trainLoss()); vl.add(s.valLoss()); va.add(s.valAccuracy()); }
            Plots.trainingCurves(plot, tl, vl, va, net.model + " on " + dataset + " (" + backend.name() + ")");
            System.err.println("INFO curves written to " + plot);
        }
        return m;
    }
}
