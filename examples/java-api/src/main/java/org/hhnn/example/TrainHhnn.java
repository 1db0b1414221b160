package org.hhnn.example;

import java.nio.file.Path;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.data.Dataset;
import org.hhnn.data.FashionMnist;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;

/** Trains an HHNN (Hodgkin-Huxley layer, Legendre readout) on Fashion-MNIST: args [data dir] [samples per split]. */
public final class TrainHhnn {
    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : FashionMnist.DEFAULT_DIR;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        Backend backend = Backends.fastest().backend();
        Dataset train = FashionMnist.train(dir).limit(samples), test = FashionMnist.test(dir).limit(samples);
        Network net = Models.build(Models.defaults("hhnn", train.features(), train.numClasses()), backend, 1L);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 1;
        Trainer trainer = new Trainer(net, backend, cfg, System.err);
        Dataset.Split split = train.split(0.1, cfg.seed);
        trainer.fit(split.train(), split.validation());
        System.out.println("test_accuracy " + trainer.evaluate(test).accuracy());
    }
}
