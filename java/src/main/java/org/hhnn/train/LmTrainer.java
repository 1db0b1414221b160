package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.data.TokenColumns;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.optim.GradClip;
import org.hhnn.optim.NtAsgd;
import org.hhnn.optim.Optimizer;
import org.hhnn.optim.Sgd;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Safetensors.NamedTensor;

/**
 * Trains a word-level language model ({@link AwdLstm}) as awd-lstm-lm does (DESIGN.md § Language modelling): the
 * training stream in batch columns, truncated BPTT windows of variable length (the base length bptt with probability
 * 0.95, else bptt/2, then N(base, 5), at least 5) whose step's lr is scaled by length/bptt, the recurrent state carried
 * from window to window on the backend (detached), loss = cross-entropy + AR α·mean(dropped last output²) + TAR
 * β·mean((h_t − h_{t−1})²) of the last raw output, gradient clipping, SGD with weight decay, and NT-ASGD
 * ({@link NtAsgd}) switched on by the per-epoch validation. Validation perplexity (batch eval_batch) after every epoch,
 * with the averaged weights once averaging is on.
 *
 * <p>The settings come from the model's config (lr, clip, weight_decay, bptt, batch, eval_batch, test_batch, alpha,
 * beta, nonmono), so a checkpoint rebuilds the run; epochs, seed, checkpoint directory and progress from the
 * {@link TrainConfig}. Every random draw is a pure function of (seed, position) or of the network's seed counter, and a
 * checkpoint holds the position inside the epoch, the carried state and the optimiser's and averager's state: a run
 * stopped anywhere and resumed gives the same bits as an uninterrupted one on the same backend.
 */
public final class LmTrainer {
    private final Network net;
    private final AwdLstm model;
    private final Backend backend;
    private final TrainConfig cfg;
    private final PrintStream log;
    private final Optimizer opt;
    private final NtAsgd asgd;
    private final int batch, bptt, evalBatch, testBatch;
    private final float lr, alpha, beta;
    private final double clip;
    private final List<LmEpochStats> history = new ArrayList<>();
    private final JsonObject provenance = new JsonObject();
    private final AwdLstm.State state;

    // Position: epochs done, then inside the current epoch (0, 0 at an epoch's start) and its running sums.
    private int epochsDone, window, tokenPos;
    private double epochNll, epochSeconds;
    private long epochTokens;

    /** Stop after this many windows of this run (0: never), with a checkpoint when there is a directory: a mid-epoch stop. */
    public int stopAfterWindows;

    public LmTrainer(Network net, Backend backend, TrainConfig cfg, PrintStream log) {
        if (!(net.body instanceof AwdLstm m))
            throw new IllegalArgumentException("the language-model trainer needs a language model (awd-lstm, awd-lstm-mod), got " + net.model);
        this.net = net;
        this.model = m;
        this.backend = backend;
        this.cfg = cfg;
        this.log = log;
        JsonObject c = net.config;
        this.batch = positive(c, "batch");
        this.bptt = positive(c, "bptt");
        this.evalBatch = positive(c, "eval_batch");
        this.testBatch = positive(c, "test_batch");
        this.lr = c.get("lr").getAsFloat();
        this.clip = c.get("clip").getAsDouble();
        this.alpha = c.get("alpha").getAsFloat();
        this.beta = c.get("beta").getAsFloat();
        if (!(clip >= 0)) throw new IllegalArgumentException("--set clip must be >= 0, got " + clip);
        if (!(alpha >= 0) || !(beta >= 0)) throw new IllegalArgumentException("--set alpha and beta must be >= 0, got " + alpha + ", " + beta);
        Map<String, Tensor> params = m.namedParameters();
        this.opt = new Sgd(params, lr, 0f, false).weightDecay(c.get("weight_decay").getAsFloat());
        this.asgd = new NtAsgd(params, positive(c, "nonmono"));
        this.state = new AwdLstm.State(m, batch);
    }

    private static int positive(JsonObject c, String key) {
        int v = c.get(key).getAsInt();
        if (v < 1) throw new IllegalArgumentException("--set " + key + " must be at least 1, got " + v);
        return v;
    }

    public Network network() { return net; }
    public TrainConfig config() { return cfg; }
    public List<LmEpochStats> history() { return List.copyOf(history); }
    public NtAsgd asgd() { return asgd; }
    public Optimizer optimizer() { return opt; }
    /** Data provenance recorded in checkpoints. */
    public JsonObject provenance() { return provenance; }

    /** The length of window w of an epoch, a pure function of (seed, epoch, w) (awd-lstm-lm's draw). */
    int windowLength(int epoch, int w) {
        SplittableRandom r = new SplittableRandom(cfg.seed * 0x9E3779B97F4A7C15L ^ ((long) epoch << 32 | w));
        double base = r.nextDouble() < 0.95 ? bptt : bptt / 2.0;
        return Math.max(5, (int) (base + 5 * r.nextGaussian()));
    }

    /**
     * Trains to cfg.epochs (or until {@link #stopAfterWindows} / cfg.stopAfter); returns the epochs' stats. train and
     * valid are token streams over the model's vocabulary.
     */
    public List<LmEpochStats> fit(int[] train, int[] valid) {
        try (TensorBoardLog tb = cfg.tensorboardDir != null ? new TensorBoardLog(cfg.tensorboardDir, cfg.tensorboardEvery) : null) {
            return fit(train, valid, tb);
        }
    }

    private List<LmEpochStats> fit(int[] train, int[] valid, TensorBoardLog tb) {
        TokenColumns cols = new TokenColumns(train, batch);
        int windowsThisRun = 0, epochsThisRun = 0;
        for (; epochsDone < cfg.epochs; ) {
            int epoch = epochsDone;
            if (window == 0) state.zero();
            model.train(true);
            ProgressBar bar = cfg.progress
                    ? new ProgressBar(System.err, "epoch " + (epoch + 1) + "/" + cfg.epochs, cols.predictions(), System.console() != null).perplexity()
                    : null;
            long t0 = System.nanoTime();
            double secondsBefore = epochSeconds;
            while (tokenPos < cols.length - 2) {
                int want = windowLength(epoch, window), len = cols.fit(tokenPos, want);
                float nll = trainWindow(cols.inputs(tokenPos, len), cols.targets(tokenPos, len), len, (float) want / bptt);
                if (!Float.isFinite(nll))
                    throw new TrainingDivergedException("training diverged: the loss became " + nll + " at epoch " + (epoch + 1)
                            + ", window " + (window + 1) + " (try a smaller --set lr or --set clip)"
                            + (cfg.checkpointDir != null ? "; the last good checkpoint in " + cfg.checkpointDir + " is kept" : ""));
                epochNll += (double) nll * len * batch;
                epochTokens += (long) len * batch;
                tokenPos += want;
                window++;
                windowsThisRun++;
                epochSeconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
                if (bar != null) bar.update(epochTokens, epochNll / epochTokens, epochTokens / Math.max(epochSeconds, 1e-9));
                if (tb != null) tb.step(opt.stepCount(), nll, lr * (float) want / bptt, epochTokens / Math.max(epochSeconds, 1e-9));
                if (stopAfterWindows > 0 && windowsThisRun >= stopAfterWindows && tokenPos < cols.length - 2) {
                    if (bar != null) bar.finish("");
                    if (cfg.checkpointDir != null) saveCheckpoint(cfg.checkpointDir);
                    log.println("INFO stopped after " + windowsThisRun + " window(s) in epoch " + (epoch + 1) + " as asked"
                            + (cfg.checkpointDir != null ? "; continue with --resume " + cfg.checkpointDir : ""));
                    return history();
                }
            }
            double valLoss = asgd.withAverage(() -> evaluateLoss(valid, evalBatch));
            boolean fired = asgd.check(valLoss);
            LmEpochStats s = new LmEpochStats(epoch + 1, epochNll / epochTokens, valLoss, asgd.active(), epochSeconds, epochTokens / epochSeconds);
            history.add(s);
            if (tb != null) tb.epoch(s, lr, model.namedParameters());
            String summary = String.format("epoch %d/%d  train_ppl %.2f  val_ppl %.2f  %s%.1fs  %,.0f tokens/s", s.epoch(), cfg.epochs,
                    s.trainPpl(), s.valPpl(), asgd.active() ? "(averaged) " : "", s.seconds(), s.tokensPerSec());
            if (bar != null) bar.finish(summary);
            else log.println(summary);
            if (fired) log.println("INFO validation did not improve on the best before the last " + net.config.get("nonmono").getAsInt()
                    + " checks: switching to averaged SGD (NT-ASGD)");
            epochsDone++;
            epochsThisRun++;
            window = 0;
            tokenPos = 0;
            epochNll = 0;
            epochTokens = 0;
            epochSeconds = 0;
            if (cfg.checkpointDir != null) saveCheckpoint(cfg.checkpointDir);
            if (cfg.stopAfter > 0 && epochsThisRun >= cfg.stopAfter && epochsDone < cfg.epochs) {
                log.println("INFO stopping after " + cfg.stopAfter + " epoch(s) as asked (--stop-after); "
                        + (cfg.checkpointDir != null ? "continue with --resume " + cfg.checkpointDir : "no checkpoint was written"));
                break;
            }
        }
        return history();
    }

    /**
     * One training step on a window of len steps (inputs and targets len·batch ids, time-major) from the carried state,
     * with the lr scaled by lrScale; carries the end state on. Returns the window's mean next-token loss (NaN/inf before
     * any update).
     */
    public float trainWindow(int[] inputs, int[] targets, int len, float lrScale) {
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            AwdLstm.Output o = model.run(inputs, len, state.h(), state.c());
            Tensor nll = Ops.crossEntropy(o.logits(), targets);
            Tensor loss = nll;
            if (alpha > 0) loss = Ops.add(loss, Ops.scale(Ops.mean(Ops.mul(o.droppedLast(), o.droppedLast())), alpha));
            if (beta > 0 && len > 1) {
                int rows = (len - 1) * batch;
                Tensor d = Ops.sub(Ops.narrowRows(o.rawLast(), batch, rows), Ops.narrowRows(o.rawLast(), 0, rows));
                loss = Ops.add(loss, Ops.scale(Ops.mean(Ops.mul(d, d)), beta));
            }
            float l = nll.item();
            if (!Float.isFinite(l)) {
                Tape.clear();
                return l;
            }
            Tape.backward(loss);
            if (clip > 0) GradClip.clipGlobalNorm(opt.parameters(), clip);
            opt.setBaseLr(lr * lrScale);
            opt.step();
            opt.setBaseLr(lr);
            asgd.afterStep();
            state.carry(o);   // after the backward, which still read the start state
            return l;
        }
    }

    /** Mean next-token loss (nats) over a whole stream in batch columns, state carried, eval mode, no tape. */
    public double evaluateLoss(int[] stream, int evalBatchSize) {
        return evaluateLoss(model, stream, evalBatchSize, bptt);
    }

    public static double evaluateLoss(AwdLstm model, int[] stream, int batchSize, int window) {
        boolean was = model.isTraining();
        model.train(false);
        TokenColumns cols = new TokenColumns(stream, batchSize);
        AwdLstm.State st = new AwdLstm.State(model, batchSize);
        double nll = 0;
        long n = 0;
        try (GradMode g = GradMode.noGrad()) {
            for (int t = 0; t < cols.length - 1; t += window) {
                int len = cols.fit(t, window);
                try (Scope s = Scope.open()) {
                    AwdLstm.Output o = model.run(cols.inputs(t, len), len, st.h(), st.c());
                    nll += (double) Ops.crossEntropy(o.logits(), cols.targets(t, len)).item() * len * batchSize;
                    n += (long) len * batchSize;
                    st.carry(o);
                }
            }
        } finally {
            st.free();
            model.train(was);
        }
        return nll / n;
    }

    /** Test loss with the final weights (the average once NT-ASGD is on), batch test_batch. */
    public double testLoss(int[] test) { return asgd.withAverage(() -> evaluateLoss(test, testBatch)); }

    /** Validation loss as the last epoch measured it, recomputed (the average once NT-ASGD is on). */
    public double validLoss(int[] valid) { return asgd.withAverage(() -> evaluateLoss(valid, evalBatch)); }

    // ---- checkpoints ----------------------------------------------------------------------------------------------

    /** Writes weights, optimiser, averager, carried state and position (atomically, config last). */
    public void saveCheckpoint(Path dir) {
        List<NamedTensor> tensors = new ArrayList<>();
        model.namedState().forEach((k, t) -> tensors.add(new NamedTensor("model." + k, t.shape(), t.toArray())));
        opt.state().forEach((k, t) -> tensors.add(new NamedTensor("optim." + k, t.shape(), t.toArray())));
        asgd.averages().forEach((k, t) -> tensors.add(new NamedTensor("asgd." + k, t.shape(), t.toArray())));
        List<Tensor> st = state.tensors();
        for (int i = 0; i < st.size(); i++) tensors.add(new NamedTensor("state." + i, st.get(i).shape(), st.get(i).toArray()));
        JsonObject c = new JsonObject();
        c.addProperty("format", "hhnn-checkpoint-1");
        c.addProperty("task", "language-model");
        c.add("model", net.config);
        c.add("train", cfg.toJson());
        c.addProperty("optimizer", describe());
        c.addProperty("backend", backend.name());
        c.addProperty("epochs_done", epochsDone);
        c.addProperty("window", window);
        c.addProperty("token_pos", tokenPos);
        c.addProperty("epoch_nll", epochNll);
        c.addProperty("epoch_tokens", epochTokens);
        c.addProperty("epoch_seconds", epochSeconds);
        c.addProperty("step", opt.stepCount());
        c.addProperty("dropout_counter", net.seeds.counter());
        c.addProperty("params", model.parameterCount());
        JsonObject a = new JsonObject();
        a.addProperty("active", asgd.active());
        a.addProperty("count", asgd.count());
        JsonArray checks = new JsonArray();
        asgd.checks().forEach(checks::add);
        a.add("checks", checks);
        c.add("asgd", a);
        for (String k : new String[] {"data", "run", org.hhnn.data.TextCodec.KEY}) if (provenance.has(k)) c.add(k, provenance.get(k));
        c.add("history", historyJson());
        String name = String.format("epoch-%04d", epochsDone) + (window > 0 ? String.format(".window-%06d", window) : "");
        Checkpoint.save(dir, name, tensors, c, Checkpoint.KEEP);
    }

    /** True when a checkpoint holds a language-model run. */
    public static boolean isLmCheckpoint(Checkpoint.Loaded ck) {
        String model = ck.modelName();
        return model != null && AwdLstm.isLanguageModel(model);
    }

    /** Rebuilds a trainer from a checkpoint: network, weights, optimiser, averager, carried state and position. */
    public static LmTrainer resume(Path dir, Backend backend, PrintStream log, Integer epochsOverride) {
        Checkpoint.Loaded ck = Checkpoint.load(dir);
        JsonObject c = ck.config();
        TrainConfig cfg = TrainConfig.fromJson(c.getAsJsonObject("train"));
        if (epochsOverride != null) cfg.epochs = epochsOverride;
        cfg.checkpointDir = dir;
        Network net = Models.build(c.getAsJsonObject("model"), backend, cfg.seed);
        LmTrainer t = new LmTrainer(net, backend, cfg, log);
        for (Map.Entry<String, Tensor> e : t.model.namedState().entrySet()) ck.loadInto("model." + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : t.opt.state().entrySet()) ck.loadInto("optim." + e.getKey(), e.getValue());
        JsonObject a = c.getAsJsonObject("asgd");
        List<Double> checks = new ArrayList<>();
        a.getAsJsonArray("checks").forEach(x -> checks.add(x.getAsDouble()));
        t.asgd.restore(checks, a.get("active").getAsBoolean(), a.get("count").getAsLong());
        for (Map.Entry<String, Tensor> e : t.asgd.averages().entrySet()) ck.loadInto("asgd." + e.getKey(), e.getValue());
        List<Tensor> st = t.state.tensors();
        for (int i = 0; i < st.size(); i++) ck.loadInto("state." + i, st.get(i));
        t.epochsDone = c.get("epochs_done").getAsInt();
        t.window = c.get("window").getAsInt();
        t.tokenPos = c.get("token_pos").getAsInt();
        t.epochNll = c.get("epoch_nll").getAsDouble();
        t.epochTokens = c.get("epoch_tokens").getAsLong();
        t.epochSeconds = c.get("epoch_seconds").getAsDouble();
        t.opt.setStepCount(c.get("step").getAsInt());
        net.seeds.setCounter(c.get("dropout_counter").getAsLong());
        for (var el : c.getAsJsonArray("history")) {
            JsonObject h = el.getAsJsonObject();
            t.history.add(new LmEpochStats(h.get("epoch").getAsInt(), h.get("train_loss").getAsDouble(), h.get("val_loss").getAsDouble(),
                    h.get("asgd").getAsBoolean(), h.get("seconds").getAsDouble(), h.get("tokens_per_s").getAsDouble()));
        }
        if (c.has("data")) t.provenance.add("data", c.get("data"));
        return t;
    }

    public String describe() {
        return String.format("sgd(lr=%s, clip=%s, wd=%s, bptt=%d, batch=%d)%s", lr, clip, net.config.get("weight_decay").getAsString(),
                bptt, batch, asgd.active() ? " + averaging (NT-ASGD, " + asgd.count() + " steps)" : " + NT-ASGD trigger");
    }

    public JsonArray historyJson() {
        JsonArray arr = new JsonArray();
        for (LmEpochStats s : history) {
            JsonObject h = new JsonObject();
            h.addProperty("epoch", s.epoch());
            h.addProperty("train_loss", s.trainLoss());
            h.addProperty("val_loss", s.valLoss());
            h.addProperty("train_ppl", s.trainPpl());
            h.addProperty("val_ppl", s.valPpl());
            h.addProperty("asgd", s.asgd());
            h.addProperty("seconds", s.seconds());
            h.addProperty("tokens_per_s", s.tokensPerSec());
            arr.add(h);
        }
        return arr;
    }

    /** Frees the carried state and the averager (the network stays). */
    public void free() {
        state.free();
        asgd.free();
    }
}
