package org.hhnn.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hhnn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of a training run. None has a default: {@link #settings} holds only the flags given, as
 * {@link TrainConfig#apply} keys, so a new run takes {@link TrainConfig}'s defaults for the rest and a resumed run
 * the checkpoint's settings. The help shows TrainConfig's defaults through {@link TrainDefaults}.
 */
@Command(resourceBundle = "org.hhnn.cli.TrainDefaults")
public final class TrainOptions {
    private static final Gson JSON = new Gson();

    @Option(names = "--model", description = "model name: ${COMPLETION-CANDIDATES} (default: ${bundle:default.model})",
            completionCandidates = ModelNames.class)
    String model;

    @Mixin DataOptions data = new DataOptions();

    @Option(names = "--epochs", description = "epochs (default: ${bundle:default.epochs})")
    Integer epochs;

    @Option(names = "--batch-size", description = "minibatch size (default: ${bundle:default.batch_size})")
    Integer batchSize;

    @Option(names = "--lr", description = "learning rate (default: ${bundle:default.lr})")
    Float lr;

    @Option(names = "--optimizer", description = "sgd | nesterov | adam | adamw (default: ${bundle:default.optimizer})")
    String optimizer;

    @Option(names = "--momentum", description = "SGD momentum (default: ${bundle:default.momentum})")
    Float momentum;

    @Option(names = "--weight-decay", description = "weight decay, L2 for sgd/adam, decoupled for adamw (default: ${bundle:default.weight_decay})")
    Float weightDecay;

    @Option(names = "--lr-decay", description = "Keras-style time decay: lr / (1 + decay * step) (default: ${bundle:default.lr_decay})")
    Float lrDecay;

    @Option(names = "--lr-steps", paramLabel = "F,F|none",
            description = "multiply the lr by 0.1 at these fractions of training, or none (default: ${bundle:default.lr_steps})")
    String lrSteps;

    @Option(names = "--clip-norm", description = "global gradient-norm clipping, 0 = off (default: ${bundle:default.clip_norm})")
    Double clipNorm;

    @Option(names = "--seed", description = "seed for initialisation, shuffling, dropout (default: ${bundle:default.seed})")
    Long seed;

    @Option(names = "--val-split", description = "fraction of the training data held out for validation (default: ${bundle:default.val_fraction})")
    Double valSplit;

    @Option(names = "--limit-train", paramLabel = "N", description = "use only the first N training samples")
    Integer limitTrain;

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "hidden layer sizes of the mlp (default: 256)")
    int[] hidden;

    @Option(names = "--dropout", description = "dropout probability after each hidden layer of the mlp (default: 0)")
    Float dropout;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a model setting, e.g. --set neurons=256 --set steps=400 --set readout=dense --set hh_layers=2")
    Map<String, String> set;

    @Option(names = "--augment", description = "image augmentation of each training batch: random shift by up to 2 px and horizontal mirror (seeded)")
    boolean augment;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "save checkpoints here (one subdirectory per save, the last 2 kept): after each epoch, and on SIGTERM/SIGINT at the next step")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS",
            description = "also save every STEPS optimizer steps (default: ${bundle:default.checkpoint_every}, only after each epoch)")
    Integer checkpointEvery;

    @Option(names = "--stop-after", paramLabel = "N",
            description = "stop after N epochs of this run (the schedule still spans --epochs); continue later with --resume")
    Integer stopAfter;

    @Option(names = "--early-stop", paramLabel = "N", description = "stop when the validation accuracy has not improved for N epochs (default: off)")
    Integer earlyStop;

    @Option(names = "--keep-best", description = "keep the checkpoint of the best validation accuracy in <checkpoint-dir>/best beside the latest")
    boolean keepBest;

    @Option(names = "--no-progress", description = "no progress bars")
    boolean noProgress;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "write metrics as JSON here")
    Path metricsOut;

    @Option(names = "--plot", paramLabel = "PNG", description = "write the loss/accuracy curves here")
    Path plot;

    @Option(names = "--config", paramLabel = "FILE",
            description = "read flags from a YAML or JSON file (keys are flag names without the dashes); flags given on the command line win")
    Path config;

    @Option(names = "--print-config", description = "print the effective settings (file, then flags) as a --config file and stop")
    boolean printConfig;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "the run's folder: run.json, metrics.json, curves.png, TensorBoard events and checkpoint/ go here unless other flags say where")
    Path runDir;

    @Option(names = "--tensorboard", paramLabel = "DIR", description = "write TensorBoard event files here (default: the --run-dir)")
    Path tensorboard;

    /** The settings these flags give, as {@link TrainConfig#apply} keys: only the flags that were given. */
    JsonObject settings() {
        JsonObject o = new JsonObject();
        if (model != null) o.addProperty("model", model);
        if (data.dataset != null) o.addProperty("dataset", data.dataset);
        if (data.data != null) o.addProperty("data_dir", data.data.toString());
        if (epochs != null) o.addProperty("epochs", epochs);
        if (batchSize != null) o.addProperty("batch_size", batchSize);
        if (lr != null) o.addProperty("lr", lr);
        if (optimizer != null) o.addProperty("optimizer", optimizer);
        if (momentum != null) o.addProperty("momentum", momentum);
        if (weightDecay != null) o.addProperty("weight_decay", weightDecay);
        if (lrDecay != null) o.addProperty("lr_decay", lrDecay);
        if (lrSteps != null) o.add("lr_steps", JSON.toJsonTree(TrainConfig.parseLrSteps(lrSteps)));
        if (clipNorm != null) o.addProperty("clip_norm", clipNorm);
        if (seed != null) o.addProperty("seed", seed);
        if (valSplit != null) o.addProperty("val_fraction", valSplit);
        if (limitTrain != null) {
            if (limitTrain < 1) throw new IllegalArgumentException("--limit-train must be at least 1, got " + limitTrain);
            o.addProperty("limit_train", limitTrain);
        }
        if (hidden != null) o.add("hidden", JSON.toJsonTree(hidden));
        if (dropout != null) o.addProperty("dropout", dropout);
        if (set != null) o.add("settings", JSON.toJsonTree(set));
        if (augment) o.addProperty("augment", true);
        if (checkpointDir != null) o.addProperty("checkpoint_dir", checkpointDir.toString());
        if (checkpointEvery != null) o.addProperty("checkpoint_every", checkpointEvery);
        if (stopAfter != null) o.addProperty("stop_after", stopAfter);
        if (noProgress) o.addProperty("progress", false);
        if (earlyStop != null) o.addProperty("early_stop", earlyStop);
        if (keepBest) o.addProperty("keep_best", true);
        return o;
    }

    /** A new run's settings: the defaults of its model on its data set (TrainConfig.forTask), then the flags given. */
    TrainConfig config() {
        JsonObject given = settings();
        TrainConfig c = new TrainConfig();
        c.apply(given);   // the model and data set
        c = TrainConfig.forTask(c.model, c.dataset);
        Map<String, String> task = new LinkedHashMap<>(c.settings);
        c.apply(given);
        task.putAll(c.settings);   // each --set given over the task's model settings, the others kept
        c.settings = task;
        return c;
    }
}
