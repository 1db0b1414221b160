package org.hhnn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.CheckpointException;
import org.hhnn.train.EvalResult;
import org.hhnn.train.Safetensors.NamedTensor;
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
        if (org.hhnn.train.LmTrainer.isLmCheckpoint(ck.config())) return LmTrainRun.eval(ck, backend, data, json);   // test perplexity
        Network net = loadNetwork(ck, backend);
        String ds = dataset != null ? dataset
                : ck.config().has("data") ? ck.config().getAsJsonObject("data").get("dataset").getAsString() : "fashion-mnist";
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

    /** Rebuilds the network a checkpoint describes and loads its weights. */
    static Network loadNetwork(Checkpoint.Loaded ck, Backend backend) {
        if (!ck.config().has("model"))
            throw new CheckpointException(ck.dir() + ": config.json has no \"model\" entry; is this an hhnn checkpoint?");
        Network net = Models.build(ck.config().getAsJsonObject("model"), backend, 0);
        for (Map.Entry<String, Tensor> e : net.body.namedState().entrySet()) {
            NamedTensor t = ck.tensors().get("model." + e.getKey());
            if (t == null) throw new CheckpointException(ck.dir() + ": weight 'model." + e.getKey() + "' is missing");
            if (!java.util.Arrays.equals(t.shape(), e.getValue().shape()))
                throw new CheckpointException(ck.dir() + ": weight 'model." + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the model expects " + java.util.Arrays.toString(e.getValue().shape()));
            backend.upload(t.data(), e.getValue().buffer());
        }
        return net;
    }
}
