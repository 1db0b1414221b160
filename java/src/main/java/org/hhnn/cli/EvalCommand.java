package org.hhnn.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.nn.Network;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.EvalResult;
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

    @Override public Integer call() throws java.io.IOException {
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = checkpoint.load();
        if (org.hhnn.train.LmTrainer.isLmCheckpoint(ck)) {   // a language model: test perplexity
            // The flags mean here what they mean for a classifier, or are refused: none is silently ignored.
            if (data.dataset != null && !data.dataset.equals("ptb"))
                throw new IllegalArgumentException("--dataset " + data.dataset + ": the checkpoint in " + checkpoint.checkpoint + " holds a language model, which is tested on ptb");
            if (confusionPng != null)
                throw new IllegalArgumentException("--confusion-png: the checkpoint in " + checkpoint.checkpoint + " holds a language model, which has no classes to confuse");
            org.hhnn.train.LmRun.Result r = org.hhnn.train.LmRun.evaluate(ck, backend, data.data);
            JsonObject run = RunRecord.of(ck);
            if (run != null) r.metrics().add("run", run);
            if (metricsOut != null) {
                AtomicFiles.writeJson(metricsOut, r.metrics());
                System.err.println("INFO metrics written to " + metricsOut);
            }
            if (json.json) JsonOption.print(r.metrics());
            else System.out.println(String.format("test_ppl %.2f  test_loss %.4f  (%,d tokens, %s, backend %s)", r.testPpl(), r.testLoss(), r.testTokens(),
                            r.metrics().get("model").getAsString(), backend.name()));
            if (!json.json) System.out.println(run != null ? RunRecord.describe(run) : "run: no record (a checkpoint from before run records)");
            return 0;
        }
        Network net = ck.network(backend, 0);
        String ds = data.dataset(ck, new TrainConfig().dataset);
        DataSets.TrainTest tt = data.load(ds);
        TrainingRun.requireFits(net, tt.test(), ck.dir());
        EvalResult r = Trainer.evaluate(net, backend, tt.test(), 512);
        Confusion confusion = Confusion.of(net, backend, tt.test(), 512);
        JsonObject run = RunRecord.of(ck);
        JsonObject o = new JsonObject();
        {
            o.addProperty("checkpoint", checkpoint.checkpoint.toString());
            o.addProperty("model", net.model);
            o.addProperty("dataset", ds);
            o.addProperty("backend", backend.name());
            o.add("test_accuracy", Trainer.num(r.accuracy()));
            o.add("test_loss", Trainer.num(r.loss()));
            o.addProperty("count", r.count());
            o.add("confusion", confusion.json());
            if (run != null) o.add("run", run);
        }
        if (metricsOut != null) {
            AtomicFiles.writeJson(metricsOut, o);
            System.err.println("INFO metrics written to " + metricsOut);
        }
        if (confusionPng != null) {
            Plots.confusionHeatMap(confusionPng, confusion, net.model + " on " + ds + ": confusion matrix (" + r.count() + " samples)");
            System.err.println("INFO confusion matrix drawn in " + confusionPng);
        }
        if (json.json) {
            JsonOption.print(o);
        } else {
            System.out.printf("test_accuracy %.4f  test_loss %.4f  (%d samples, %s, backend %s)%n",
                    r.accuracy(), r.loss(), r.count(), net.model, backend.name());
            System.out.print(confusion.table());
            System.out.println(run != null ? RunRecord.describe(run) : "run: no record (a checkpoint from before run records)");
        }
        return 0;
    }
}
