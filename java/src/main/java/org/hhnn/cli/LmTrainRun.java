package org.hhnn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.data.Ptb;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.CheckpointException;
import org.hhnn.train.LmEpochStats;
import org.hhnn.train.LmTrainer;
import org.hhnn.train.Plots;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;

/**
 * {@code hhnn train} and {@code hhnn eval} for the language models (awd-lstm, awd-lstm-mod on Penn Treebank): the
 * corpus, the {@link LmTrainer}, perplexities, metrics JSON and the validation-perplexity curve. The training settings
 * of these models live in the model config ({@code --set lr=.. --set batch=.. --set bptt=..}); the classifier flags
 * that have no meaning here are refused rather than ignored.
 */
final class LmTrainRun {
    private LmTrainRun() {}

    /** True when this train command is a language-model run (by model, data set or the checkpoint it resumes). */
    static boolean applies(TrainCommand c) {
        if (AwdLstm.isLanguageModel(c.model) || c.dataset.equals("ptb")) return true;
        return c.resume != null && LmTrainer.isLmCheckpoint(Checkpoint.load(c.resume).config());
    }

    static JsonObject train(TrainCommand c) throws IOException {
        boolean resuming = c.resume != null;
        if (!resuming && !AwdLstm.isLanguageModel(c.model))
            throw new IllegalArgumentException("--dataset ptb is a token stream for the language models: use --model awd-lstm or awd-lstm-mod");
        if (!c.dataset.equals("ptb") && !c.dataset.equals("fashion-mnist"))   // fashion-mnist: the flag's default
            throw new IllegalArgumentException("--model " + c.model + " is a language model: it trains on --dataset ptb, not " + c.dataset);
        refuseClassifierFlags(c);
        Backend backend = c.backendOptions.resolve();
        Path dir = c.data != null ? c.data : Ptb.defaultDir();
        Ptb.Corpus corpus = Ptb.load(dir);
        LmTrainer trainer;
        if (resuming) {
            trainer = LmTrainer.resume(c.resume, backend, System.err, c.epochs);
            if (c.checkpointDir != null) trainer.config().checkpointDir = c.checkpointDir;
        } else {
            TrainConfig cfg = new TrainConfig();
            cfg.epochs = c.epochs;
            cfg.seed = c.seed;
            cfg.checkpointDir = c.checkpointDir;
            JsonObject mc = Models.defaults(c.model, 0, corpus.vocabSize());
            Models.applyOverrides(mc, c.settings);
            mc.addProperty("vocab", corpus.vocabSize());   // the corpus decides; a --set vocab would only break the ids
            trainer = new LmTrainer(Models.build(mc, backend, c.seed), backend, cfg, System.err);
        }
        TrainConfig cfg = trainer.config();
        cfg.progress = !c.noProgress;
        if (c.stopAfter < 0) throw new IllegalArgumentException("--stop-after must be >= 0, got " + c.stopAfter);
        cfg.stopAfter = c.stopAfter;
        if (trainer.network().config.get("vocab").getAsInt() != corpus.vocabSize())
            throw new IllegalArgumentException(c.resume + ": the checkpoint's model has a vocabulary of " + trainer.network().config.get("vocab")
                    + " words but " + dir + " has " + corpus.vocabSize());

        JsonObject dataInfo = new JsonObject();
        dataInfo.addProperty("dataset", "ptb");
        dataInfo.addProperty("dir", corpus.dir().toString());
        dataInfo.addProperty("vocab", corpus.vocabSize());
        dataInfo.addProperty("train_tokens", corpus.train().length);
        dataInfo.addProperty("valid_tokens", corpus.valid().length);
        dataInfo.addProperty("test_tokens", corpus.test().length);
        trainer.provenance().add("data", dataInfo);

        Network net = trainer.network();
        AwdLstm model = (AwdLstm) net.body;
        System.err.printf("INFO model %s, %,d parameters; %s; %,d train / %,d validation / %,d test tokens, vocabulary %,d%n",
                net.model, model.parameterCount(), trainer.describe(), corpus.train().length, corpus.valid().length, corpus.test().length,
                corpus.vocabSize());
        for (String line : model.parameterLines()) System.err.println("INFO " + line.strip());

        long t0 = System.nanoTime();
        List<LmEpochStats> history = trainer.fit(corpus.train(), corpus.valid());
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double testLoss = trainer.testLoss(corpus.test());
        double valLoss = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).valLoss();
        System.out.printf("test_ppl %.2f  test_loss %.4f  val_ppl %.2f  (%,d test tokens, backend %s, %.1fs training)%n",
                Math.exp(testLoss), testLoss, Math.exp(valLoss), corpus.test().length, backend.name(), trainSeconds);

        JsonObject m = new JsonObject();
        m.addProperty("model", net.model);
        m.addProperty("dataset", "ptb");
        m.addProperty("backend", backend.name());
        m.addProperty("seed", cfg.seed);
        m.addProperty("params", model.parameterCount());
        JsonArray layers = new JsonArray();
        model.parameterLines().forEach(l -> layers.add(l.strip()));
        m.add("param_counts", layers);
        m.addProperty("optimizer", trainer.describe());
        m.add("test_ppl", Trainer.num(Math.exp(testLoss)));
        m.add("test_loss", Trainer.num(testLoss));
        m.add("val_ppl", Trainer.num(Math.exp(valLoss)));
        JsonArray trainPpl = new JsonArray(), valPpl = new JsonArray(), secs = new JsonArray();
        for (LmEpochStats s : history) {
            trainPpl.add(Trainer.num(s.trainPpl()));
            valPpl.add(Trainer.num(s.valPpl()));
            secs.add(Trainer.num(s.seconds()));
        }
        m.add("train_ppl_per_epoch", trainPpl);
        m.add("val_ppl_per_epoch", valPpl);
        m.add("seconds", secs);
        m.add("epochs", trainer.historyJson());
        m.add("data", dataInfo);
        m.add("model_config", net.config);
        m.add("train_config", cfg.toJson());
        m.addProperty("train_seconds", trainSeconds);
        if (c.metricsOut != null) {
            AtomicFiles.writeJson(c.metricsOut, m);
            System.err.println("INFO metrics written to " + c.metricsOut);
        }
        if (c.plot != null && !history.isEmpty()) {
            double[] ep = new double[history.size()], vp = new double[history.size()], tp = new double[history.size()];
            for (int i = 0; i < ep.length; i++) {
                ep[i] = history.get(i).epoch();
                vp[i] = history.get(i).valPpl();
                tp[i] = history.get(i).trainPpl();
            }
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("validation", new double[][] {ep, vp});
            series.put("train (with dropout)", new double[][] {ep, tp});
            Plots.lines(c.plot, net.model + " on Penn Treebank (" + backend.name() + ")", "epoch", "perplexity", series);
            System.err.println("INFO curves written to " + c.plot);
        }
        trainer.free();
        return m;
    }

    // The classifier-only flags, refused when they differ from their defaults (the model config holds these settings).
    private static void refuseClassifierFlags(TrainCommand c) {
        String set = c.batchSize != 64 ? "--batch-size (use --set batch=N)" : c.lr != 0.001f ? "--lr (use --set lr=X)"
                : !c.optimizer.equals("adam") ? "--optimizer (SGD, then NT-ASGD)" : c.momentum != 0f ? "--momentum"
                : c.weightDecay != 0f ? "--weight-decay (use --set weight_decay=X)" : c.clipNorm != 0 ? "--clip-norm (use --set clip=X)"
                : c.lrSteps != null ? "--lr-steps" : c.lrDecay != 0f ? "--lr-decay" : c.limitTrain != null ? "--limit-train"
                : c.hidden != null ? "--hidden (use --set hidden=H1,H2,H3)" : c.dropout != null ? "--dropout (use --set dropout=P)"
                : c.augment ? "--augment" : c.valSplit != 0.1 ? "--val-split (ptb has its own validation file)" : null;
        if (set != null) throw new IllegalArgumentException(set + " does not apply to the language models");
    }

    /** {@code hhnn eval} on a language-model checkpoint: test perplexity with the weights it would test with. */
    static int eval(Checkpoint.Loaded ck, Backend backend, Path data, boolean json) {
        Network net = EvalCommand.loadNetwork(ck, backend);
        AwdLstm model = (AwdLstm) net.body;
        JsonObject a = ck.config().has("asgd") ? ck.config().getAsJsonObject("asgd") : null;
        if (a != null && a.get("active").getAsBoolean())   // averaged SGD was on: the averages are the trained model
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                var t = ck.tensors().get("asgd." + e.getKey());
                if (t == null) throw new CheckpointException(ck.dir() + ": averaged weight 'asgd." + e.getKey() + "' is missing");
                backend.upload(t.data(), e.getValue().buffer());
            }
        Path dir = data != null ? data : ck.config().has("data") && ck.config().getAsJsonObject("data").has("dir")
                ? Path.of(ck.config().getAsJsonObject("data").get("dir").getAsString()) : Ptb.defaultDir();
        Ptb.Corpus corpus = Ptb.load(dir);
        if (corpus.vocabSize() != model.vocab)
            throw new IllegalArgumentException(ck.dir() + ": the model has a vocabulary of " + model.vocab + " words but " + dir + " has " + corpus.vocabSize());
        JsonObject mc = net.config;
        double loss = LmTrainer.evaluateLoss(model, corpus.test(), mc.get("test_batch").getAsInt(), mc.get("bptt").getAsInt());
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("checkpoint", ck.dir().toString());
            o.addProperty("model", net.model);
            o.addProperty("dataset", "ptb");
            o.addProperty("backend", backend.name());
            o.add("test_ppl", Trainer.num(Math.exp(loss)));
            o.add("test_loss", Trainer.num(loss));
            o.addProperty("count", corpus.test().length);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
        } else {
            System.out.printf("test_ppl %.2f  test_loss %.4f  (%,d tokens, %s, backend %s)%n", Math.exp(loss), loss, corpus.test().length,
                    net.model, backend.name());
        }
        return 0;
    }
}
