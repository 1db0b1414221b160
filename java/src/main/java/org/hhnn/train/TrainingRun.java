package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Models;
import org.hhnn.nn.ModulatedModels;
import org.hhnn.nn.Network;

/**
 * One training run from its settings to its results: load the data set ({@link DataSets}), build the model
 * ({@link Models}), train ({@link Trainer}), test, and write what was asked for (metrics JSON, the loss curves;
 * checkpoints come from the trainer). {@code hhnn train} is this class behind a command line:
 * <pre>{@code
 * TrainConfig cfg = new TrainConfig();
 * cfg.model = "hhnn";
 * cfg.checkpointDir = Path.of("ck");
 * TrainingRun.Result r = new TrainingRun(cfg, backend).metricsOut(Path.of("m.json")).run();
 * }</pre>
 * {@link #resume} continues the run a checkpoint recorded, with every setting it recorded unless an override
 * changes one.
 */
public final class TrainingRun extends AbstractRun<TrainingRun> {
    /**
     * The run's metrics (as written to --metrics-out), its trainer (network, history) and the test result; metrics and
     * test are null on a data-parallel rank other than 0.
     */
    public record Result(JsonObject metrics, Trainer trainer, EvalResult test) {
        public double testAccuracy() { return test.accuracy(); }
    }

    /**
     * Settings a resumed run may change (each change is announced in one line); the others define the run
     * (model, data, batches, optimizer state) and changing them would be another run.
     */
    private static final Set<String> RESUMABLE = Set.of("epochs", "lr", "momentum", "weight_decay", "lr_decay", "lr_steps",
            "clip_norm", "data_dir");

    private DataSets.TrainTest data;
    private java.util.function.BiFunction<Trainer, JsonObject, Trainer.Parallel> parallel;
    private final List<TrainingListener> listeners = new ArrayList<>();

    /** A new run with these settings. */
    public TrainingRun(TrainConfig cfg, Backend backend) {
        super(cfg, backend, null, null);
    }

    private TrainingRun(Path resumeFrom, JsonObject overrides, Backend backend) {
        super(null, backend, resumeFrom, overrides);
    }

    /**
     * Continues the run saved in checkpoint (a checkpoint directory or one save in it) with the settings it recorded;
     * overrides ({@link TrainConfig#apply}'s keys) change the ones that may change, each said in one line.
     */
    public static TrainingRun resume(Path checkpoint, JsonObject overrides, Backend backend) {
        return new TrainingRun(checkpoint, overrides, backend);
    }

    /** Train and test on this data instead of loading the config's data set (compare's folds). */
    public TrainingRun data(DataSets.TrainTest d) { data = d; return this; }

    /**
     * Data-parallel training: once the trainer and the data description exist, attach makes and returns the hooks
     * ({@link org.hhnn.dist.Distributed#attach}). A rank other than 0 then neither tests nor writes; its result
     * has no test figures.
     */
    public TrainingRun parallel(java.util.function.BiFunction<Trainer, JsonObject, Trainer.Parallel> attach) { parallel = attach; return this; }

    /** Adds a listener to the run's trainer ({@link TrainingListener}: per-step, per-epoch, checkpoint hooks). */
    public TrainingRun listener(TrainingListener l) { listeners.add(l); return this; }

    /** Trains, tests, writes what was asked for, and returns the results. */
    public Result run() {
        Checkpoint.Loaded ck = resumeFrom != null ? Checkpoint.load(resumeFrom) : null;
        TrainConfig c = ck != null ? resumedConfig(ck) : cfg;
        RunFolder out = RunFolder.resolve(runDir, metricsOut, plot, tensorboard, c);
        metricsOut = out.metrics();
        plot = out.plot();
        c.validate();
        DataSets.TrainTest tt = data != null ? data : DataSets.load(c.dataset, c.dataDir);
        Dataset full = c.limitTrain > 0 ? tt.train().limit(c.limitTrain) : tt.train();
        if (c.augment && full.featureShape().length != 3)
            throw new IllegalArgumentException("--augment needs image data (channels, height, width); " + c.dataset + " has feature shape "
                    + Arrays.toString(full.featureShape()));
        Dataset.Split split = full.split(c.valFraction, c.seed);

        Trainer trainer = ck != null ? Trainer.resume(ck, c, backend, log)
                : new Trainer(Models.build(modelConfig(c, full), backend, c.seed), backend, c, log);
        JsonObject dataInfo = new JsonObject();
        dataInfo.addProperty("dataset", c.dataset);
        dataInfo.addProperty("dir", tt.dir().toString());
        dataInfo.addProperty("train", split.train().size());
        dataInfo.addProperty("validation", split.validation().size());
        dataInfo.addProperty("test", tt.test().size());
        if (full.classNames() != null) dataInfo.add("classes", new com.google.gson.Gson().toJsonTree(full.classNames()));
        trainer.provenance().add("data", dataInfo);
        org.hhnn.data.TextCodec codec = org.hhnn.data.TextCodec.of(c.dataset, full);
        if (codec != null) trainer.provenance().add(org.hhnn.data.TextCodec.KEY, codec.json());   // predict reads text without the data
        listeners.forEach(trainer::addListener);
        RunRecord record = new RunRecord(argv).backend(backend).seed(c.seed);
        if (data == null) record.dataFiles(tt.dir());   // given data (compare's folds) has no files of its own
        trainer.provenance().add("run", record.json());

        Trainer.Parallel par = parallel != null ? parallel.apply(trainer, dataInfo) : null;
        Network net = trainer.network();
        if (ck != null) requireFits(net, full, ck.dir());
        log.printf("INFO model %s, %,d parameters; %s; %d train / %d validation / %d test samples%n",
                net.model, net.body.parameterCount(), trainer.optimizer().describe(),
                split.train().size(), split.validation().size(), tt.test().size());
        long t0 = System.nanoTime();
        List<EpochStats> history = trainer.fit(split.train(), split.validation());
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        if (par != null && !par.isRoot()) return new Result(null, trainer, null);   // rank 0 alone tests and writes
        EvalResult test = trainer.evaluate(tt.test());
        JsonObject m = metrics(trainer, c, history, test, dataInfo, trainSeconds);
        if (par != null) m.add("distributed", par.metrics());
        writeOutputs(m, record, history, png -> {
            List<Double> tl = new ArrayList<>(), vl = new ArrayList<>(), va = new ArrayList<>();
            for (EpochStats s : history) { tl.add(s.trainLoss()); vl.add(s.valLoss()); va.add(s.valAccuracy()); }
            Plots.trainingCurves(png, tl, vl, va, net.model + " on " + c.dataset + " (" + backend.name() + ")");
        });
        return new Result(m, trainer, test);
    }

    /** A saved model must take the data's items: else one sentence naming the checkpoint, not a shape error deep inside. */
    public static void requireFits(Network net, Dataset data, Path checkpoint) {
        JsonElement in = net.config.get("in_features");
        if (in != null && in.isJsonPrimitive() && in.getAsInt() != data.features())
            throw new CheckpointException("checkpoint " + checkpoint + " holds a " + net.model + " for items of " + in.getAsInt()
                    + " features, but " + data.name() + " has " + data.features() + " (another data set?)");
        if (net.numClasses < data.numClasses())
            throw new CheckpointException("checkpoint " + checkpoint + " holds a " + net.model + " for " + net.numClasses
                    + " classes, but " + data.name() + " has " + data.numClasses());
    }

    /** The model's config for a new run: the model's defaults for this data, then the config's model settings. */
    public static JsonObject modelConfig(TrainConfig c, Dataset train) {
        JsonObject mc = Models.defaults(c.model, train.features(), train.numClasses());
        if (train.vocabSize() > 0) mc.addProperty("vocab", train.vocabSize()); // token-id data: the embedding's size
        Models.setInputStats(mc, train.split(c.valFraction, c.seed).train().x()); // statistics of the training part only
        if (c.hidden != null) {
            JsonArray h = new JsonArray();
            for (int v : c.hidden) h.add(v);
            mc.add("hidden", h);
        }
        if (c.dropout != null) mc.addProperty("dropout", c.dropout);
        // SST-2 is the paper's Advanced-LSTM task (word level): embedding 300, hidden 150, no dropout
        if (c.dataset.equals("sst2") && c.model.startsWith("lstm")) ModulatedModels.advanced(mc);
        if (train.vocabSize() > 0 && c.model.equals("hhnn")) Models.hhnnOnTokens(mc, c.dataset);   // the sequence model's sizes
        Models.applyOverrides(mc, c.settings);
        return mc;
    }

    /** The checkpoint's recorded settings with the overrides that may change applied (one line each). */
    private TrainConfig resumedConfig(Checkpoint.Loaded ck) {
        JsonElement recordedJson = ck.config().get("train");
        if (recordedJson == null || !recordedJson.isJsonObject())
            throw new CheckpointException(ck.file(Checkpoint.CONFIG_FILE) + " has no \"train\" object; is this an hhnn checkpoint?");
        TrainConfig c;
        try {
            c = TrainConfig.fromJson(recordedJson.getAsJsonObject());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(ck.file(Checkpoint.CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        JsonObject recorded = c.toJson();
        for (Map.Entry<String, JsonElement> e : overrides.entrySet()) {
            String k = e.getKey();
            JsonObject one = new JsonObject();
            one.add(k, e.getValue());
            if (TrainConfig.RUNTIME_KEYS.contains(k)) {
                c.apply(one);
                continue;
            }
            TrainConfig probe = c.copy();
            probe.apply(one);
            JsonElement was = recorded.get(k), now = probe.toJson().get(k);
            if (now == null ? was == null : now.equals(was)) continue;
            if (!RESUMABLE.contains(k))
                throw new IllegalArgumentException(TrainConfig.flag(k) + " cannot change when resuming (the checkpoint's run has "
                        + (was == null ? "none" : was) + "); leave it out to continue that run, or start a new run");
            c.apply(one);
            log.println("INFO resuming with " + TrainConfig.flag(k) + " " + now + " instead of the checkpoint's " + (was == null ? "none" : was));
        }
        if (c.checkpointDir == null) c.checkpointDir = ck.root();
        return c;
    }

    private JsonObject metrics(Trainer trainer, TrainConfig c, List<EpochStats> history, EvalResult test, JsonObject dataInfo,
                               double trainSeconds) {
        Network net = trainer.network();
        JsonObject m = metricsHead(net.model, c.dataset, c.seed, net.body.parameterCount());
        m.addProperty("optimizer", trainer.optimizer().describe());
        m.add("test_accuracy", Trainer.num(test.accuracy()));
        m.add("test_loss", Trainer.num(test.loss()));
        perEpoch(m, "train_loss", history, EpochStats::trainLoss);
        perEpoch(m, "train_accuracy", history, EpochStats::trainAccuracy);
        perEpoch(m, "val_accuracy", history, EpochStats::valAccuracy);
        perEpoch(m, "val_loss", history, EpochStats::valLoss);
        perEpoch(m, "seconds", history, EpochStats::seconds);
        metricsTail(m, trainer.historyJson(), dataInfo, net.config, c, trainSeconds);
        m.addProperty("finished", trainer.finished());
        return m;
    }
}
