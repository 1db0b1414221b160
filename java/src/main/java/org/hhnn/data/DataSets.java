package org.hhnn.data;

import java.nio.file.Path;

/** Loads a named data set's train and test parts: the one place the CLI turns --dataset into data. */
public final class DataSets {
    private DataSets() {}

    public static final String[] NAMES = {"fashion-mnist"};

    public record TrainTest(Dataset train, Dataset test, Path dir) {}

    /** dir may be null for the data set's default location. */
    public static TrainTest load(String name, Path dir) {
        switch (name) {
            case "fashion-mnist": {
                Path d = dir != null ? dir : FashionMnist.DEFAULT_DIR;
                return new TrainTest(FashionMnist.train(d), FashionMnist.test(d), d);
            }
            default:
                throw new IllegalArgumentException("unknown dataset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }
}
