package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.data.Augment;
import org.hhnn.data.Batcher;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Network;
import org.hhnn.optim.GradClip;
import org.hhnn.optim.LrSchedule;
import org.hhnn.optim.Optimizer;
import org.hhnn.optim.Optimizers;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Safetensors.NamedTensor;

/**
 * Trains a {@link Network} with minibatch gradient descent: one {@link Scope} per step (so every
 * temporary is freed), a progress bar per epoch, validation each epoch, a checkpoint after each
 * epoch (atomic files), and resumption from one. The batch order of epoch e depends only on
 * (seed, e) and dropout seeds come from the network's {@link org.hhnn.nn.SeedStream}, so the
 * same seed and backend give bit-identical losses, also across a checkpoint reload.
 */
public final class Trainer {
    private final Network net;
    private final Backend backend;
    private final TrainConfig cfg;
    private final Optimizer opt;
    private final PrintStream log;
    private final List<EpochStats> history = new ArrayList<>();
    private final JsonObject provenance = new JsonObject();
    private final Augment augment;
    private int startEpoch;
    private Parallel parallel;   // null in a single process

    /**
     * Data-parallel hooks ({@link org.hhnn.dist.DataParallel}): each rank trains on its shard of every global batch
     * and the gradients are summed over the ranks before the update, so N ranks take the steps one process takes.
     */
    public interface Parallel {
        /** This rank's rows of a global batch, and where they start in it. */
        Shard shard(Batcher.Batch global);

        /**
         * Sums, over the ranks and in place, every parameter's gradient weighted by this rank's share of the global
         * batch (localSize / globalSize), and the loss likewise; returns the global batch's mean loss.
         */
        float reduce(List<Tensor> params, float localLoss, int localSize, int globalSize);

        /** Whether this rank logs, validates and writes checkpoints. */
        boolean isRoot();

        /** What the run's metrics record about it (ranks, all-reduce time and bytes per step). */
        JsonObject metrics();

        record Shard(Batcher.Batch batch, int offset) {}
    }

    public Trainer(Network net, Backend backend, TrainConfig cfg, PrintStream log) {
        cfg.validate();
        this.net = net;
        this.backend = backend;
        this.cfg = cfg;
        this.log = log;
        Map<String, Tensor> params = net.body.namedParameters();
        this.opt = Optimizers.create(cfg.optimizer, params, cfg.lr, cfg.momentum, cfg.weightDecay);
        opt.decay(cfg.lrDecay);
        if (cfg.lrSteps().length > 0) opt.schedule(LrSchedule.steps(0.1, cfg.lrSteps()));
        this.augment = cfg.augment ? Augment.shiftMirror(cfg.seed) : null;
    }

    public Optimizer optimizer() { return opt; }
    public List<EpochStats> history() { return List.copyOf(history); }
    public int startEpoch() { return startEpoch; }
    public void setParallel(Parallel p) { parallel = p; }

    /** Data provenance recorded in checkpoints (data set name, directory, sizes...). */
    public JsonObject provenance() { return provenance; }

    /**
     * Rebuilds a trainer from a loaded checkpoint and the run's settings: the network from the stored config, the
     * weights, optimizer state, step counters and history. Training continues where the checkpoint was saved.
     */
    public static Trainer resume(Checkpoint.Loaded ck, TrainConfig cfg, Backend backend, PrintStream log) {
        Trainer t = new Trainer(ck.network(backend, cfg.seed), backend, cfg, log);
        t.restore(ck);
        return t;
    }

    private void restore(Checkpoint.Loaded ck) {
        for (Map.Entry<String, Tensor> e : opt.state().entrySet())
            ck.loadInto("optim." + e.getKey(), e.getValue());
        JsonObject c = ck.config();
        try {
            startEpoch = c.get("epochs_done").getAsInt();
            opt.setStepCount(c.get("step").getAsInt());
            net.seeds.setCounter(c.get("dropout_counter").getAsLong());
            for (var el : c.getAsJsonArray("history")) {
                JsonObject h = el.getAsJsonObject();
                history.add(new EpochStats(h.get("epoch").getAsInt(), num(h, "train_loss"), num(h, "val_loss"),
                        num(h, "val_accuracy"), num(h, "seconds"), num(h, "samples_per_s")));
            }
        } catch (RuntimeException e) {
            throw new CheckpointException(ck.file(Checkpoint.CONFIG_FILE) + ": the training position (epochs_done, step, dropout_counter, "
                    + "history) is missing or of the wrong type (" + e + ")", e);
        }
        if (c.has("data")) provenance.add("data", c.get("data"));
    }

    /** Trains from startEpoch to cfg.epochs; returns the per-epoch stats of the whole run. */
    public List<EpochStats> fit(Dataset train, Dataset val) {
        Batcher batches = new Batcher(train, cfg.batchSize, true, cfg.seed);
        int features = train.features();
        long totalSteps = (long) cfg.epochs * batches.numBatches();
        for (int epoch = startEpoch; epoch < cfg.epochs; epoch++) {
            net.body.train(true);
            long t0 = System.nanoTime();
            double lossSum = 0;
            long seen = 0;
            ProgressBar bar = cfg.progress
                    ? new ProgressBar(System.err, "epoch " + (epoch + 1) + "/" + cfg.epochs, train.size(), System.console() != null)
                    : null;
            for (Batcher.Batch global : batches.batches(epoch)) {
                opt.setProgress((double) opt.stepCount() / totalSteps);
                Batcher.Batch b = global;
                int offset = 0;
                if (parallel != null) {
                    Parallel.Shard sh = parallel.shard(global);
                    b = sh.batch();
                    offset = sh.offset();
                }
                net.seeds.setSampleOffset(offset);
                if (augment != null) b = augment.apply(b, train.featureShape(), epoch, seen + offset);
                float loss = step(b, features, global.size());
                if (!Float.isFinite(loss))
                    throw new TrainingDivergedException("training diverged: the loss became " + loss + " at epoch " + (epoch + 1)
                            + ", step " + opt.stepCount() + " (try a smaller --lr or --clip-norm)"
                            + (cfg.checkpointDir != null ? "; the last good checkpoint in " + cfg.checkpointDir + " is kept" : ""));
                lossSum += (double) loss * global.size();
                seen += global.size();
                if (bar != null) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    bar.update(seen, lossSum / seen, seen / Math.max(secs, 1e-9));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean root = parallel == null || parallel.isRoot();   // the other ranks neither validate nor write
            EvalResult v = root && val != null && val.size() > 0 ? evaluate(val) : new EvalResult(Double.NaN, Double.NaN, 0);
            EpochStats s = new EpochStats(epoch + 1, lossSum / seen, v.loss(), v.accuracy(), seconds, seen / seconds);
            history.add(s);
            String summary = String.format("epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f  %.1fs  %,.0f samples/s",
                    s.epoch(), cfg.epochs, s.trainLoss(), s.valLoss(), s.valAccuracy(), s.seconds(), s.samplesPerSec());
            if (bar != null) bar.finish(summary);
            else log.println(summary);
            if (cfg.checkpointDir != null && root) saveCheckpoint(cfg.checkpointDir, epoch + 1);
            if (cfg.stopAfter > 0 && epoch + 1 - startEpoch >= cfg.stopAfter && epoch + 1 < cfg.epochs) {
                log.println("INFO stopping after " + cfg.stopAfter + " epoch(s) as asked (--stop-after); "
                        + (cfg.checkpointDir != null ? "continue with --resume " + cfg.checkpointDir : "no checkpoint was written"));
                break;
            }
        }
        return history();
    }

    /** One optimisation step on a batch; returns its loss (NaN/inf is returned before any update). */
    public float step(Batcher.Batch b, int features) { return step(b, features, b.size()); }

    // b is this rank's shard of a global batch of globalSize samples (all of it in a single process).
    private float step(Batcher.Batch b, int features, int globalSize) {
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            float l = 0f;
            if (b.size() > 0) {   // a rank's shard of a last, short batch may be empty
                Tensor loss = Ops.crossEntropy(net.forward(Tensor.of(backend, b.x(), b.size(), features)), b.y());
                l = loss.item();
                if (Float.isFinite(l)) Tape.backward(loss);
                else Tape.clear();
            }
            // Every rank joins the reduction, whatever its loss: a NaN anywhere makes the global loss NaN on all.
            if (parallel != null) l = parallel.reduce(opt.parameters(), l, b.size(), globalSize);
            if (!Float.isFinite(l)) return l;
            if (cfg.clipNorm > 0) GradClip.clipGlobalNorm(opt.parameters(), cfg.clipNorm);
            opt.step();
            net.body.constrain();
            return l;
        }
    }

    /** Mean loss and accuracy in eval mode, without a tape. */
    public EvalResult evaluate(Dataset d) {
        return evaluate(net, backend, d, Math.max(cfg.batchSize, 256));
    }

    public static EvalResult evaluate(Network net, Backend backend, Dataset d, int batchSize) {
        boolean was = net.body.isTraining();
        net.body.train(false);
        double lossSum = 0;
        long correct = 0;
        Batcher batches = new Batcher(d, batchSize, false, 0);
        try (GradMode g = GradMode.noGrad()) {
            for (Batcher.Batch b : batches.batches(0)) {
                try (Scope s = Scope.open()) {
                    Tensor logits = net.forward(Tensor.of(backend, b.x(), b.size(), d.features()));
                    lossSum += (double) Ops.crossEntropy(logits, b.y()).item() * b.size();
                    float[] z = logits.toArray();
                    int c = logits.dim(1);
                    for (int i = 0; i < b.size(); i++) {
                        int arg = 0;
                        for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + arg]) arg = j;
                        if (arg == b.y()[i]) correct++;
                    }
                }
            }
        } finally {
            net.body.train(was);
        }
        return new EvalResult(lossSum / d.size(), (double) correct / d.size(), d.size());
    }

    /** Writes weights + optimizer state + config (atomically, config last). */
    public void saveCheckpoint(Path dir, int epochsDone) {
        List<NamedTensor> tensors = new ArrayList<>();
        net.body.namedState().forEach((k, t) -> tensors.add(new NamedTensor("model." + k, t.shape(), t.toArray())));
        opt.state().forEach((k, t) -> tensors.add(new NamedTensor("optim." + k, t.shape(), t.toArray())));
        JsonObject c = new JsonObject();
        c.addProperty("format", "hhnn-checkpoint-1");
        c.add("model", net.config);
        c.add("train", cfg.toJson());
        c.addProperty("optimizer", opt.describe());
        c.addProperty("backend", backend.name());
        c.addProperty("epochs_done", epochsDone);
        c.addProperty("step", opt.stepCount());
        c.addProperty("dropout_counter", net.seeds.counter());
        c.addProperty("params", net.body.parameterCount());
        if (provenance.has("data")) c.add("data", provenance.get("data"));
        c.add("history", historyJson());
        Checkpoint.save(dir, tensors, c);
    }

    public JsonArray historyJson() {
        JsonArray a = new JsonArray();
        for (EpochStats s : history) {
            JsonObject h = new JsonObject();
            h.addProperty("epoch", s.epoch());
            h.add("train_loss", num(s.trainLoss()));
            h.add("val_loss", num(s.valLoss()));
            h.add("val_accuracy", num(s.valAccuracy()));
            h.addProperty("seconds", s.seconds());
            h.addProperty("samples_per_s", s.samplesPerSec());
            a.add(h);
        }
        return a;
    }

    /** JSON has no NaN: a missing figure (no validation set) is written as null. */
    public static com.google.gson.JsonElement num(double v) {
        return Double.isFinite(v) ? new com.google.gson.JsonPrimitive(v) : com.google.gson.JsonNull.INSTANCE;
    }

    private static double num(JsonObject o, String k) {
        return o.get(k) == null || o.get(k).isJsonNull() ? Double.NaN : o.get(k).getAsDouble();
    }

    public Network network() { return net; }
    public TrainConfig config() { return cfg; }
    public Backend backend() { return backend; }
}
