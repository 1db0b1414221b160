package org.hhnn.data;

import java.nio.file.Path;

/** Loads a named data set's train and test parts: the one place the CLI turns --dataset into data. */
public final class DataSets {
    private DataSets() {}

    public static final String[] NAMES = {"fashion-mnist", "names", "sst2", "cifar10", "csv", "tsv"};

    public record TrainTest(Dataset train, Dataset test, Path dir) {}

    /** dir may be null for the data set's default location. */
    public static TrainTest load(String name, Path dir) {
        switch (name) {
            case "fashion-mnist": {
                Path d = dir != null ? dir : FashionMnist.DEFAULT_DIR;
                return new TrainTest(FashionMnist.train(d), FashionMnist.test(d), d);
            }
            case "names":
                return Names.load(dir != null ? dir : sharedData("names"));
            case "sst2": {
                // All three SST-2 files are labelled: test.tsv is the test set; the validation part
                // comes from train.tsv like for every data set (dev.tsv is for Sst2.load users).
                Path d = dir != null ? dir : sharedData("sst2");
                Sst2.Splits s = Sst2.load(d);
                return new TrainTest(s.train(), s.test(), d);
            }
            case "cifar10": {
                Path d = dir != null ? dir : sharedData("cifar10");
                return new TrainTest(Cifar10.train(d), Cifar10.test(d), d);
            }
            case "tsv":
                return TsvText.load(dir);   // your own text classification: label<TAB>text lines
            case "csv":
                return CsvData.load(dir);   // your own table: --data FILE.csv, or a folder with train.csv and test.csv
            default:
                throw new IllegalArgumentException("unknown dataset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /**
     * {@code <shared>/data/<folder>}: the project's shared data beside the checkout. The {@code hhnn.shared}
     * system property names the shared folder (the tests set it); otherwise it is ../shared relative to the
     * working directory, which is where it lies when hhnn runs from the repository root.
     */
    public static Path sharedData(String folder) {
        String shared = System.getProperty("hhnn.shared");
        // Absolute, so the provenance recorded in metrics and checkpoints still names it from elsewhere.
        return (shared != null ? Path.of(shared) : Path.of("..", "shared")).resolve("data").resolve(folder)
                .toAbsolutePath().normalize();
    }
}
