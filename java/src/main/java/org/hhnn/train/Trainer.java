package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
 * temporary is freed), a progress bar per epoch, validation each epoch, checkpoints (after each
 * epoch, every {@link TrainConfig#checkpointEvery} steps, and when asked to stop), and resumption
 * from one at the very step it was saved. The batch order of epoch e depends only on (seed, e),
 * augmentation on (seed, epoch, batch), and dropout seeds come from the network's
 * {@link org.hhnn.nn.SeedStream}, whose counter is saved; so the same seed and backend give
 * bit-identical weights and losses, also across a stop and resume at any step.
 *
 * <p>SIGTERM and SIGINT (a JVM shutdown hook, installed while {@link #fit} runs with a checkpoint
 * directory) ask the loop to stop: it finishes the step, saves, and only then lets the JVM exit.
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
    private final List<TrainingListener> listeners = new ArrayList<>();
    /** Where the next step starts: epoch (0-based), batch within it, and the epoch's sums so far. */
    private int startEpoch, startBatch;
    private double startLossSum, startSeconds;
    private long startSeen;
    /** The epoch's correct training predictions and the samples they were counted over (this rank's, in a data-parallel job). */
    private double startCorrect;
    private long startCounted;
    private long stepCorrect;
    private volatile boolean stopRequested;
    /** Counted down when fit leaves, so the shutdown hook lets the JVM exit only after the save. */
    private CountDownLatch hookLatch;
    private boolean finished;
    private Parallel parallel;   // null in a single process

    /**
     * Data-parallel hooks ({@link org.hhnn.dist.DataParallel}): each rank trains on its shard of every global batch
     * and the gradients are summed over the ranks before the update, so N ranks take the steps one process takes.
     * Not a {@link TrainingListener}: the shard replaces the batch before the step, and the sum must come before
     * clipping (which needs the global gradient) and must be joined by a rank whose own loss is not finite.
     */
    public interface Parallel {
        /** This rank's rows of a global batch, and where they start in it. */
        Shard shard(Batcher.Batch global);

        /**
         * Sums, over the ranks and in place, every parameter's gradient weighted by this rank's share of the global
         * batch (localSize / globalSize), and the loss likewise; returns the global batch's mean loss.
         */
        float reduce(List<Tensor> params, float localLoss, int localSize, int globalSize);

        /** Whether this rank logs and writes (checkpoints, keep-best, TensorBoard); every rank validates, so all agree on early stop. */
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
    private boolean isRoot() { return parallel == null || parallel.isRoot(); }
    /** Whether the last {@link #fit} trained to {@link TrainConfig#epochs} (not stopped early). */
    public boolean finished() { return finished; }

    /** Data provenance recorded in checkpoints (data set name, directory, sizes...). */
    public JsonObject provenance() { return provenance; }

    public Trainer addListener(TrainingListener l) { listeners.add(l); return this; }

    /** Asks {@link #fit} to stop at the next step boundary, saving a checkpoint there when it has a directory. */
    public void requestStop() { stopRequested = true; }

    /**
     * Rebuilds a trainer from a loaded checkpoint and the run's settings: the network from the stored config, the
     * weights, optimizer state, step counters and history. Training continues at the step where the checkpoint was saved.
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
                        num(h, "val_accuracy"), num(h, "seconds"), num(h, "samples_per_s"), num(h, "train_accuracy")));
            }
            if (c.has("position")) {
                JsonObject p = c.getAsJsonObject("position");
                startBatch = p.get("batch").getAsInt();
                startLossSum = p.get("loss_sum").getAsDouble();
                startSeen = p.get("seen").getAsLong();
                startSeconds = p.get("seconds").getAsDouble();
                startCorrect = num(p, "correct");   // NaN from a checkpoint that did not record it
                startCounted = p.has("counted") ? p.get("counted").getAsLong() : 0;
            }
        } catch (RuntimeException e) {
            throw new CheckpointException(ck.file(Checkpoint.CONFIG_FILE) + ": the training position (epochs_done, step, dropout_counter, "
                    + "history, position) is missing or of the wrong type (" + e + ")", e);
        }
        if (c.has("data")) provenance.add("data", c.get("data"));
    }

    /**
     * Trains from the saved position to cfg.epochs (or until {@link TrainConfig#stopAfter} epochs, or a stop request);
     * returns the per-epoch stats of the whole run. A NaN or infinite loss is a {@link TrainingDivergedException}
     * before any update, so the last checkpoint stays the last good state.
     */
    public List<EpochStats> fit(Dataset train, Dataset val) {
        // Not under MPI: a dying rank makes the launcher SIGTERM the others while they wait in the all-reduce, so a
        // hook waiting for the next step boundary would hold the job until the launcher's SIGKILL.
        Thread hook = cfg.checkpointDir != null && parallel == null ? installStopHook() : null;
        CountDownLatch done = hook != null ? hookLatch : null;
        try {
            fitLoop(train, val);
        } finally {
            if (done != null) done.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is exiting (the hook is what stopped us); it exits once the hook returns.
                }
            }
        }
        return history();
    }

    /** A shutdown hook (SIGTERM, SIGINT) that asks the loop to stop and waits until it has saved and left. */
    private Thread installStopHook() {
        CountDownLatch done = new CountDownLatch(1);
        hookLatch = done;
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                done.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "hhnn-stop-at-step-boundary");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void fitLoop(Dataset train, Dataset val) {
        try (TensorBoardLog tb = cfg.tensorboardDir != null && isRoot() ? new TensorBoardLog(cfg.tensorboardDir, cfg.tensorboardEvery) : null) {
            fitLoop(train, val, tb);
        }
    }

    private void fitLoop(Dataset train, Dataset val, TensorBoardLog tb) {
        finished = false;
        Batcher batches = new Batcher(train, cfg.batchSize, true, cfg.seed);
        int features = train.features();
        long totalSteps = (long) cfg.epochs * batches.numBatches();
        int firstEpoch = startEpoch;
        boolean root = isRoot();   // the other ranks of a data-parallel job write nothing
        for (int epoch = startEpoch; epoch < cfg.epochs; epoch++) {
            net.body.train(true);
            long t0 = System.nanoTime();
            double lossSum = startLossSum, priorSeconds = startSeconds, correct = startCorrect;
            long seen = startSeen, counted = startCounted;
            int batch = startBatch;
            ProgressBar bar = cfg.progress
                    ? ProgressBar.on(log, "epoch " + (epoch + 1) + "/" + cfg.epochs, train.size())
                    : null;
            for (Batcher.Batch global : batches.batches(epoch, startBatch)) {
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
                            + ", step " + (opt.stepCount() + 1) + " (try a smaller --lr or --clip-norm)"
                            + (cfg.checkpointDir != null ? "; the last good checkpoint in " + cfg.checkpointDir + " is kept" : ""));
                lossSum += (double) loss * global.size();
                seen += global.size();
                correct += stepCorrect;
                counted += b.size();
                batch++;
                for (TrainingListener l : listeners) l.onStep(this, epoch, batch - 1, opt.stepCount(), loss);
                double secs = priorSeconds + (System.nanoTime() - t0) / 1e9;
                if (tb != null) tb.step(opt.stepCount(), loss, opt.currentLr(), seen / Math.max(secs, 1e-9));
                if (bar != null) bar.update(seen, lossSum / seen, seen / Math.max(secs, 1e-9));
                boolean last = batch == batches.numBatches();
                if (root && !last && (stopRequested || cfg.checkpointEvery > 0 && opt.stepCount() % cfg.checkpointEvery == 0)
                        && cfg.checkpointDir != null) {
                    startBatch = batch;   // the position a resume starts from
                    startLossSum = lossSum;
                    startSeen = seen;
                    startSeconds = secs;
                    startCorrect = correct;
                    startCounted = counted;
                    saveCheckpoint(cfg.checkpointDir, epoch);
                }
                if (!last && stopRequested) {
                    if (bar != null) bar.finish("epoch " + (epoch + 1) + " stopped at batch " + batch);
                    log.println("INFO stopped at epoch " + (epoch + 1) + ", batch " + batch + " as asked; "
                            + (cfg.checkpointDir != null ? "continue with --resume " + cfg.checkpointDir : "no checkpoint was written"));
                    return;
                }
            }
            startBatch = 0;
            startLossSum = 0;
            startSeen = 0;
            startSeconds = 0;
            startCorrect = 0;
            startCounted = 0;
            double seconds = priorSeconds + (System.nanoTime() - t0) / 1e9;
            EvalResult v = val != null && val.size() > 0 ? evaluate(val) : new EvalResult(Double.NaN, Double.NaN, 0);
            EpochStats s = new EpochStats(epoch + 1, lossSum / seen, v.loss(), v.accuracy(), seconds, seen / seconds,
                    counted > 0 ? correct / counted : Double.NaN);
            history.add(s);
            startEpoch = epoch + 1;
            String summary = String.format("epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f  %.1fs  %,.0f samples/s",
                    s.epoch(), cfg.epochs, s.trainLoss(), s.valLoss(), s.valAccuracy(), s.seconds(), s.samplesPerSec());
            if (bar != null) bar.finish(summary);
            else log.println(summary);
            for (TrainingListener l : listeners) l.onEpoch(this, s);
            if (tb != null) tb.epoch(s, opt.currentLr(), net.body.namedParameters());
            if (cfg.checkpointDir != null && root) saveCheckpoint(cfg.checkpointDir, epoch + 1);
            int best = bestEpoch();
            if (root && cfg.keepBest && cfg.checkpointDir != null && best == s.epoch()) {
                saveCheckpoint(cfg.checkpointDir.resolve(BEST), epoch + 1);
                log.printf("INFO best validation accuracy so far (%.4f): checkpoint kept in %s%n", s.valAccuracy(), cfg.checkpointDir.resolve(BEST));
            }
            boolean more = epoch + 1 < cfg.epochs;
            if (more && stopRequested) {
                log.println("INFO stopped after epoch " + (epoch + 1) + " as asked; "
                        + (cfg.checkpointDir != null ? "continue with --resume " + cfg.checkpointDir : "no checkpoint was written"));
                return;
            }
            if (cfg.earlyStop > 0 && s.epoch() - best >= cfg.earlyStop && more) {
                log.printf("INFO stopping early (--early-stop %d): no better validation accuracy than %.4f (epoch %d) for %d epochs%n",
                        cfg.earlyStop, history.get(best - 1).valAccuracy(), best, s.epoch() - best);
                break;
            }
            if (cfg.stopAfter > 0 && epoch + 1 - firstEpoch >= cfg.stopAfter && more) {
                log.println("INFO stopping after " + cfg.stopAfter + " epoch(s) as asked (--stop-after); "
                        + (cfg.checkpointDir != null ? "continue with --resume " + cfg.checkpointDir : "no checkpoint was written"));
                return;
            }
        }
        finished = true;
    }

    /** The folder under the checkpoint directory that holds the best epoch's checkpoint (--keep-best). */
    public static final String BEST = "best";

    /** The epoch (1-based) of the highest validation accuracy so far, the first of equals; 0 before any. */
    int bestEpoch() {
        int best = 0;
        for (EpochStats h : history)
            if (best == 0 || h.valAccuracy() > history.get(best - 1).valAccuracy()) best = h.epoch();
        return best;
    }

    /** One optimisation step on a batch; returns its loss (NaN/inf is returned before any update). */
    public float step(Batcher.Batch b, int features) { return step(b, features, b.size()); }

    // b is this rank's shard of a global batch of globalSize samples (all of it in a single process).
    private float step(Batcher.Batch b, int features, int globalSize) {
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            float l = 0f;
            stepCorrect = 0;
            if (b.size() > 0) {   // a rank's shard of a last, short batch may be empty
                Tensor logits = net.forward(Tensor.of(backend, b.x(), b.size(), features));
                Tensor loss = Ops.crossEntropy(logits, b.y());
                l = loss.item();
                stepCorrect = correct(logits, b.y());   // the training accuracy, from this forward pass
                if (Float.isFinite(l)) Tape.backward(loss);
                else Tape.clear();
            }
            // Every rank joins the reduction, whatever its loss: a NaN anywhere makes the global loss NaN on all.
            if (parallel != null) l = parallel.reduce(opt.parameters(), l, b.size(), globalSize);
            if (!Float.isFinite(l)) return l;
            if (cfg.clipNorm > 0) GradClip.clipGlobalNorm(opt.parameters(), cfg.clipNorm);
            if (!listeners.isEmpty()) {
                List<Tensor> params = opt.parameters();
                for (TrainingListener hook : listeners) hook.beforeUpdate(this, params);
            }
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
                    correct += correct(logits, b.y());
                }
            }
        } finally {
            net.body.train(was);
        }
        return new EvalResult(lossSum / d.size(), (double) correct / d.size(), d.size());
    }

    /** How many rows of logits (rows, classes) have their largest value (the first of equals) at the label y. */
    static long correct(Tensor logits, int[] y) {
        float[] z = logits.toArray();
        int c = logits.dim(1);
        long n = 0;
        for (int i = 0; i < logits.dim(0); i++) {
            int arg = 0;
            for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + arg]) arg = j;
            if (arg == y[i]) n++;
        }
        return n;
    }

    /**
     * Saves weights, optimizer state, settings and the position (the next step starts at epoch {@code epochsDone},
     * batch {@link #startBatch}) as a new save in the checkpoint directory dir ({@link Checkpoint#save}).
     */
    public Path saveCheckpoint(Path dir, int epochsDone) {
        List<NamedTensor> tensors = new ArrayList<>();
        net.body.namedState().forEach((k, t) -> tensors.add(new NamedTensor("model." + k, t.shape(), t.toArray())));
        opt.state().forEach((k, t) -> tensors.add(new NamedTensor("optim." + k, t.shape(), t.toArray())));
        JsonObject c = new JsonObject();
        c.addProperty("format", "hhnn-checkpoint-2");
        c.add("model", net.config);
        c.add("train", cfg.toJson());
        c.addProperty("optimizer", opt.describe());
        c.addProperty("backend", backend.name());
        c.addProperty("epochs_done", epochsDone);
        c.addProperty("step", opt.stepCount());
        c.addProperty("dropout_counter", net.seeds.counter());
        int batch = epochsDone == startEpoch ? startBatch : 0;
        if (batch > 0) {
            JsonObject p = new JsonObject();
            p.addProperty("batch", batch);
            p.addProperty("loss_sum", startLossSum);   // the epoch's sums so far: its train_loss comes out the same
            p.addProperty("seen", startSeen);
            p.addProperty("seconds", startSeconds);
            p.add("correct", num(startCorrect));
            p.addProperty("counted", startCounted);
            c.add("position", p);
        }
        c.addProperty("params", net.body.parameterCount());
        for (String k : new String[] {"data", "run", org.hhnn.data.TextCodec.KEY}) if (provenance.has(k)) c.add(k, provenance.get(k));
        c.add("history", historyJson());
        String name = String.format("epoch-%04d", epochsDone) + (batch > 0 ? String.format(".step-%06d", batch) : "");
        Path save = Checkpoint.save(dir, name, tensors, c, Checkpoint.KEEP);
        for (TrainingListener l : listeners) l.onCheckpoint(this, save);
        return save;
    }

    public JsonArray historyJson() {
        JsonArray a = new JsonArray();
        for (EpochStats s : history) {
            JsonObject h = new JsonObject();
            h.addProperty("epoch", s.epoch());
            h.add("train_loss", num(s.trainLoss()));
            h.add("val_loss", num(s.valLoss()));
            h.add("val_accuracy", num(s.valAccuracy()));
            h.add("train_accuracy", num(s.trainAccuracy()));
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
