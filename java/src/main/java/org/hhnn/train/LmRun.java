package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.data.Ptb;
import org.hhnn.data.TextCodec;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Tensor;

/**
 * One language-model run (awd-lstm, awd-lstm-mod on Penn Treebank), the {@link TrainingRun} of the language models:
 * load the corpus ({@link Ptb}), build the model, train ({@link LmTrainer}), test perplexity, write the metrics JSON and
 * the validation-perplexity curve. The training settings of these models live in the model config ({@code --set lr=..,
 * batch=.., bptt=..}); the classifier settings that have no meaning here are refused rather than ignored.
 */
public final class LmRun extends AbstractRun<LmRun> {
    /** The metrics (as written to --metrics-out) and the test loss (nats per token). */
    public record Result(JsonObject metrics, double testLoss, int testTokens, double trainSeconds) {
        public double testPpl() { return Math.exp(testLoss); }
    }

    /** A new run; cfg.model is a language model (or cfg.dataset ptb, which then names the mistake). */
    public LmRun(TrainConfig cfg, Backend backend) { super(cfg, backend, null, null); }

    private LmRun(Path resumeFrom, JsonObject overrides, Backend backend) { super(null, backend, resumeFrom, overrides); }

    /**
     * Continues the run a language-model checkpoint recorded, from where it stopped (mid-epoch too). Of the overrides
     * ({@link TrainConfig#apply}'s keys) epochs, data_dir, checkpoint_dir, stop_after and progress apply; the others
     * define the run and are refused.
     */
    public static LmRun resume(Path checkpoint, JsonObject overrides, Backend backend) {
        LmRun run = new LmRun(checkpoint, overrides, backend);
        for (String k : run.overrides.keySet())
            if (!java.util.Set.of("epochs", "data_dir", "checkpoint_dir", "stop_after", "progress", "model", "dataset").contains(k))
                throw new IllegalArgumentException(TrainConfig.flag(k) + " cannot change when a language-model run resumes (it defines the run)");
        return run;
    }

    /** True for a run of a language model or on a token-stream data set. */
    public static boolean applies(TrainConfig c) { return AwdLstm.isLanguageModel(c.model) || "ptb".equals(c.dataset); }

    /** True when the checkpoint at dir is a language model's. */
    public static boolean isLmCheckpoint(Path dir) { return LmTrainer.isLmCheckpoint(Checkpoint.load(dir)); }

    public Result run() {
        Start st = resumeFrom != null ? resumed() : started();
        LmTrainer trainer = st.trainer();
        Ptb.Corpus corpus = st.corpus();
        TrainConfig c = st.config();
        RunFolder out = RunFolder.resolve(runDir, metricsOut, plot, tensorboard, c);
        metricsOut = out.metrics();
        plot = out.plot();
        Network net = trainer.network();
        AwdLstm model = (AwdLstm) net.body;
        if (model.vocab != corpus.vocabSize())
            throw new IllegalArgumentException(resumeFrom + ": the checkpoint's model has a vocabulary of " + model.vocab + " words but "
                    + corpus.dir() + " has " + corpus.vocabSize());

        JsonObject dataInfo = new JsonObject();
        dataInfo.addProperty("dataset", "ptb");
        dataInfo.addProperty("dir", corpus.dir().toString());
        dataInfo.addProperty("vocab", corpus.vocabSize());
        dataInfo.addProperty("train_tokens", corpus.train().length);
        dataInfo.addProperty("valid_tokens", corpus.valid().length);
        dataInfo.addProperty("test_tokens", corpus.test().length);
        trainer.provenance().add("data", dataInfo);
        trainer.provenance().add(TextCodec.KEY, TextCodec.of(corpus).json());   // predict's next words without the corpus
        RunRecord record = new RunRecord(argv).backend(backend).seed(c.seed).dataFiles(corpus.dir());
        trainer.provenance().add("run", record.json());

        log.printf("INFO model %s, %,d parameters; %s; %,d train / %,d validation / %,d test tokens, vocabulary %,d%n",
                net.model, model.parameterCount(), trainer.describe(), corpus.train().length, corpus.valid().length, corpus.test().length,
                corpus.vocabSize());
        for (String line : model.parameterLines()) log.println("INFO " + line.strip());

        long t0 = System.nanoTime();
        List<LmEpochStats> history = trainer.fit(corpus.train(), corpus.valid());
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double testLoss = trainer.testLoss(corpus.test());

        JsonObject m = metrics(trainer, history, testLoss, dataInfo, trainSeconds);
        writeOutputs(m, record, history, png -> curves(png, net.model + " on Penn Treebank (" + backend.name() + ")", history));
        trainer.free();
        net.body.free();
        return new Result(m, testLoss, corpus.test().length, trainSeconds);
    }

    /** The trainer and corpus of a resumed run, and its settings: the checkpoint's, with the overrides that may change. */
    private Start resumed() {
        LmTrainer trainer = LmTrainer.resume(resumeFrom, backend, log, overrides.has("epochs") ? overrides.get("epochs").getAsInt() : null);
        TrainConfig c = trainer.config();
        if (overrides.has("checkpoint_dir")) c.checkpointDir = Path.of(overrides.get("checkpoint_dir").getAsString());
        if (overrides.has("stop_after")) c.stopAfter = overrides.get("stop_after").getAsInt();
        if (overrides.has("progress")) c.progress = overrides.get("progress").getAsBoolean();
        JsonObject d = trainer.provenance().has("data") ? trainer.provenance().getAsJsonObject("data") : null;
        Path dir = overrides.has("data_dir") ? Path.of(overrides.get("data_dir").getAsString())
                : d != null ? Path.of(d.get("dir").getAsString()) : Ptb.defaultDir();
        return new Start(trainer, Ptb.load(dir), c);
    }

    /** A new run's trainer and corpus, and its settings: cfg's, once a language model on ptb is what they ask for. */
    private Start started() {
        if (!AwdLstm.isLanguageModel(cfg.model))
            throw new IllegalArgumentException("--dataset ptb is a token stream for the language models: use --model awd-lstm or awd-lstm-mod");
        if (!"ptb".equals(cfg.dataset) && !new TrainConfig().dataset.equals(cfg.dataset))   // the default: not asked for
            throw new IllegalArgumentException("--model " + cfg.model + " is a language model: it trains on --dataset ptb, not " + cfg.dataset);
        refuseClassifierSettings(cfg);
        TrainConfig c = cfg.copy();
        c.dataset = "ptb";
        Ptb.Corpus corpus = Ptb.load(c.dataDir != null ? c.dataDir : Ptb.defaultDir());
        JsonObject mc = Models.defaults(c.model, 0, corpus.vocabSize());
        Models.applyOverrides(mc, c.settings);
        mc.addProperty("vocab", corpus.vocabSize());   // the corpus decides; a --set vocab would only break the ids
        return new Start(new LmTrainer(Models.build(mc, backend, c.seed), backend, c, log), corpus, c);
    }

    private record Start(LmTrainer trainer, Ptb.Corpus corpus, TrainConfig config) {}

    private JsonObject metrics(LmTrainer trainer, List<LmEpochStats> history, double testLoss, JsonObject dataInfo, double trainSeconds) {
        Network net = trainer.network();
        AwdLstm model = (AwdLstm) net.body;
        double valLoss = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).valLoss();
        JsonObject m = metricsHead(net.model, "ptb", trainer.config().seed, model.parameterCount());
        JsonArray layers = new JsonArray();
        model.parameterLines().forEach(l -> layers.add(l.strip()));
        m.add("param_counts", layers);
        m.addProperty("optimizer", trainer.describe());
        m.add("test_ppl", Trainer.num(Math.exp(testLoss)));
        m.add("test_loss", Trainer.num(testLoss));
        m.add("val_ppl", Trainer.num(Math.exp(valLoss)));
        perEpoch(m, "train_ppl_per_epoch", history, LmEpochStats::trainPpl);
        perEpoch(m, "val_ppl_per_epoch", history, LmEpochStats::valPpl);
        perEpoch(m, "seconds", history, LmEpochStats::seconds);
        metricsTail(m, trainer.historyJson(), dataInfo, net.config, trainer.config(), trainSeconds);
        return m;
    }

    /** Validation and training perplexity per epoch. */
    private static void curves(Path png, String title, List<LmEpochStats> history) throws java.io.IOException {
        double[] ep = new double[history.size()], vp = new double[ep.length], tp = new double[ep.length];
        for (int i = 0; i < ep.length; i++) {
            ep[i] = history.get(i).epoch();
            vp[i] = history.get(i).valPpl();
            tp[i] = history.get(i).trainPpl();
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("validation", new double[][] {ep, vp});
        series.put("train (with dropout)", new double[][] {ep, tp});
        Plots.lines(png, title, "epoch", "perplexity", series);
    }

    // The classifier-only settings, refused when they differ from their defaults (the model config holds these).
    private static void refuseClassifierSettings(TrainConfig c) {
        TrainConfig d = new TrainConfig();
        String set = c.batchSize != d.batchSize ? "--batch-size (use --set batch=N)" : c.lr != d.lr ? "--lr (use --set lr=X)"
                : !c.optimizer.equals(d.optimizer) ? "--optimizer (SGD, then NT-ASGD)" : c.momentum != d.momentum ? "--momentum"
                : c.weightDecay != d.weightDecay ? "--weight-decay (use --set weight_decay=X)"
                : c.clipNorm != d.clipNorm ? "--clip-norm (use --set clip=X)" : c.lrSteps != null ? "--lr-steps"
                : c.lrDecay != d.lrDecay ? "--lr-decay" : c.limitTrain != d.limitTrain ? "--limit-train"
                : c.hidden != null ? "--hidden (use --set hidden=H1,H2,H3)" : c.dropout != null ? "--dropout (use --set dropout=P)"
                : c.augment ? "--augment" : c.valFraction != d.valFraction ? "--val-split (ptb has its own validation file)" : null;
        if (set != null) throw new IllegalArgumentException(set + " does not apply to the language models");
    }

    /** A language-model checkpoint's network with the weights it tests with: the NT-ASGD averages once they are on. */
    public static Network network(Checkpoint.Loaded ck, Backend backend) {
        Network net = ck.network(backend, 0);
        JsonObject a = ck.config().has("asgd") ? ck.config().getAsJsonObject("asgd") : null;
        if (a != null && a.get("active").getAsBoolean())
            for (Map.Entry<String, Tensor> e : net.body.namedParameters().entrySet()) ck.loadInto("asgd." + e.getKey(), e.getValue());
        return net;
    }

    /** Test loss of a language-model checkpoint with the weights it would test with (the averages once NT-ASGD was on). */
    public static Result evaluate(Checkpoint.Loaded ck, Backend backend, Path dataDir) {
        Network net = network(ck, backend);
        AwdLstm model = (AwdLstm) net.body;
        Path dir = dataDir != null ? dataDir : ck.config().has("data") && ck.config().getAsJsonObject("data").has("dir")
                ? Path.of(ck.config().getAsJsonObject("data").get("dir").getAsString()) : Ptb.defaultDir();
        Ptb.Corpus corpus = Ptb.load(dir);
        if (corpus.vocabSize() != model.vocab)
            throw new IllegalArgumentException(ck.dir() + ": the model has a vocabulary of " + model.vocab + " words but " + dir + " has " + corpus.vocabSize());
        JsonObject mc = net.config;
        double loss = LmTrainer.evaluateLoss(model, corpus.test(), mc.get("test_batch").getAsInt(), mc.get("bptt").getAsInt());
        JsonObject o = new JsonObject();
        o.addProperty("checkpoint", ck.dir().toString());
        o.addProperty("model", net.model);
        o.addProperty("dataset", "ptb");
        o.addProperty("backend", backend.name());
        o.add("test_ppl", Trainer.num(Math.exp(loss)));
        o.add("test_loss", Trainer.num(loss));
        o.addProperty("count", corpus.test().length);
        net.body.free();
        return new Result(o, loss, corpus.test().length, 0);
    }
}
