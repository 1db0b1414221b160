package org.hhnn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.nn.Network;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.EvalResult;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn eval --checkpoint DIR}: test accuracy of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint on a data set's test split.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "checkpoint directory (model.safetensors + config.json)")
    Path checkpoint;

    @Option(names = "--dataset", description = "data set (default: the one the checkpoint was trained on)")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "directory holding the data set's files")
    Path data;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override public Integer call() {
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = Checkpoint.load(checkpoint);
        Network net = ck.network(backend, 0);
        String ds = dataset != null ? dataset : ck.dataset() != null ? ck.dataset() : new TrainConfig().dataset;
        DataSets.TrainTest tt = DataSets.load(ds, data);
        EvalResult r = Trainer.evaluate(net, backend, tt.test(), 512);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("checkpoint", checkpoint.toString());
            o.addProperty("model", net.model);
            o.addProperty("dataset", ds);
            o.addProperty("backend", backend.name());
            o.add("test_accuracy", Trainer.num(r.accuracy()));
            o.add("test_loss", Trainer.num(r.loss()));
            o.addProperty("count", r.count());
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
        } else {
            System.out.printf("test_accuracy %.4f  test_loss %.4f  (%d samples, %s, backend %s)%n",
                    r.accuracy(), r.loss(), r.count(), net.model, backend.name());
        }
        return 0;
    }
}
