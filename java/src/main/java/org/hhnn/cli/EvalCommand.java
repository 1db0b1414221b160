package org.hhnn.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.nn.Network;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.EvalResult;
import org.hhnn.train.LmRun;
import org.hhnn.train.LmTrainer;
import org.hhnn.train.RunRecord;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Confusion;
import org.hhnn.train.Plots;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import org.hhnn.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn eval --checkpoint DIR}: test accuracy of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint on a data set's test split.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Mixin CheckpointOption checkpoint = new CheckpointOption();

    @Mixin DataOptions data = new DataOptions();

    @Mixin JsonOption json = new JsonOption();

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "write the results (with the confusion matrix) as JSON here")
    Path metricsOut;

    @Option(names = "--confusion-png", paramLabel = "PNG", description = "draw the confusion matrix as a heat map here")
    Path confusionPng;

    @Override public Integer call() throws IOException {
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = checkpoint.load();
        return LmTrainer.isLmCheckpoint(ck) ? languageModel(ck, backend) : classifier(ck, backend);
    }

    /** Test perplexity; the flags mean here what they mean for a classifier, or are refused: none is silently ignored. */
    private int languageModel(Checkpoint.Loaded ck, Backend backend) throws IOException {
        if (data.dataset != null && !data.dataset.equals("ptb"))
            throw new IllegalArgumentException("--dataset " + data.dataset + ": the checkpoint in " + checkpoint.checkpoint + " holds a language model, which is tested on ptb");
        if (confusionPng != null)
            throw new IllegalArgumentException("--confusion-png: the checkpoint in " + checkpoint.checkpoint + " holds a language model, which has no classes to confuse");
        LmRun.Result r = LmRun.evaluate(ck, backend, data.data);
        return report(ck, r.metrics(), String.format("test_ppl %.2f  test_loss %.4f  (%,d tokens, %s, backend %s)%n", r.testPpl(),
                r.testLoss(), r.testTokens(), r.metrics().get("model").getAsString(), backend.name()));
    }

    /** Test accuracy and loss with the confusion matrix (and its heat map when asked for). */
    private int classifier(Checkpoint.Loaded ck, Backend backend) throws IOException {
        Network net = ck.network(backend, 0);
        String ds = data.dataset(ck, new TrainConfig().dataset);
        DataSets.TrainTest tt = data.load(ds);
        TrainingRun.requireFits(net, tt.test(), ck.dir());
        EvalResult r = Trainer.evaluate(net, backend, tt.test(), 512);
        Confusion confusion = Confusion.of(net, backend, tt.test(), 512);
        JsonObject o = new JsonObject();
        o.addProperty("checkpoint", checkpoint.checkpoint.toString());
        o.addProperty("model", net.model);
        o.addProperty("dataset", ds);
        o.addProperty("backend", backend.name());
        o.add("test_accuracy", Trainer.num(r.accuracy()));
        o.add("test_loss", Trainer.num(r.loss()));
        o.addProperty("count", r.count());
        o.add("confusion", confusion.json());
        if (confusionPng != null) {
            Plots.confusionHeatMap(confusionPng, confusion, net.model + " on " + ds + ": confusion matrix (" + r.count() + " samples)");
            System.err.println("INFO confusion matrix drawn in " + confusionPng);
        }
        return report(ck, o, String.format("test_accuracy %.4f  test_loss %.4f  (%d samples, %s, backend %s)%n",
                r.accuracy(), r.loss(), r.count(), net.model, backend.name()) + confusion.table());
    }

    /** The results with the checkpoint's run record: to --metrics-out if given, then printed as JSON or as text and the record. */
    private int report(Checkpoint.Loaded ck, JsonObject results, String text) throws IOException {
        JsonObject run = RunRecord.of(ck);
        if (run != null) results.add("run", run);
        if (metricsOut != null) {
            AtomicFiles.writeJson(metricsOut, results);
            System.err.println("INFO metrics written to " + metricsOut);
        }
        if (json.json) {
            JsonOption.print(results);
        } else {
            System.out.print(text);
            System.out.println(run != null ? RunRecord.describe(run) : "run: no record (a checkpoint from before run records)");
        }
        return 0;
    }
}
