package org.hhnn.cli;

import java.nio.file.Path;
import org.hhnn.data.DataSets;
import org.hhnn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** --dataset and --data, shared by every command that reads a data set, so that both mean the same thing everywhere. */
@Command(resourceBundle = "org.hhnn.cli.TrainDefaults")
public final class DataOptions {
    @Option(names = "--dataset", description = "data set: fashion-mnist, names, sst2, cifar10, ptb, csv, tsv "
            + "(required by compare; default: the checkpoint's own where the command reads one, else ${bundle:default.dataset})")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "directory (or, for csv and tsv, file) holding the data set's files (default: its standard location)")
    Path data;

    /** --dataset, else the data set the checkpoint was trained on, else fallback. */
    String dataset(Checkpoint.Loaded ck, String fallback) {
        return dataset != null ? dataset : ck.dataset() != null ? ck.dataset() : fallback;
    }

    /** The named data set's training and test splits, read from --data. */
    DataSets.TrainTest load(String name) { return DataSets.load(name, data); }
}
