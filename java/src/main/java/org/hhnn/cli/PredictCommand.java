package org.hhnn.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.hhnn.backend.Backend;
import org.hhnn.data.CsvData;
import org.hhnn.data.DataException;
import org.hhnn.data.IdxReader;
import org.hhnn.nn.Network;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hhnn predict --checkpoint DIR --input FILE}: class probabilities for new inputs, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Class probabilities of a trained model for new inputs (IDX images or CSV rows of features), as CSV.")
public final class PredictCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Mixin CheckpointOption checkpoint = new CheckpointOption();

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "IDX images (*-ubyte, *-ubyte.gz; scaled to [0, 1] as in training) or CSV rows of feature values (a header row is skipped, a 'label' column left out)")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "write the CSV here (default: standard output)")
    Path output;

    @Option(names = "--batch-size", defaultValue = "256", description = "inputs per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override public Integer call() throws IOException {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = checkpoint.load();
        Network net = ck.network(backend, 0);
        int features = ck.config().getAsJsonObject("model").get("in_features").getAsInt();
        float[] x = read(input, features, checkpoint.checkpoint);
        float[][] p = new Predictor(net, backend, features).probabilities(x, batchSize);

        StringWriter text = new StringWriter();
        List<String> header = new ArrayList<>(List.of("row", "predicted"));
        for (int c = 0; c < net.numClasses; c++) header.add("p_" + c);
        try (CSVPrinter out = new CSVPrinter(text, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            out.printRecord(header);
            for (int i = 0; i < p.length; i++) {
                List<Object> row = new ArrayList<>(List.of(i, Predictor.argmax(p[i])));
                for (float v : p[i]) row.add(v);
                out.printRecord(row);
            }
        }
        if (output != null) {
            AtomicFiles.writeString(output, text.toString());
            System.err.println("INFO " + p.length + " predictions written to " + output);
        } else {
            System.out.print(text);
        }
        return 0;
    }

    /** The inputs as rows of {@code features} floats, or one sentence naming the file and what the model takes. */
    static float[] read(Path file, int features, Path checkpoint) {
        String name = file.getFileName().toString();
        if (name.endsWith("-ubyte") || name.endsWith("-ubyte.gz") || name.contains("idx3")) {
            IdxReader.IdxImages images = IdxReader.readImages(file);
            if (images.rows() * images.cols() != features)
                throw DataException.of(file, "holds " + images.rows() + "x" + images.cols() + " images (" + images.rows() * images.cols()
                        + " values) but the model in " + checkpoint + " takes " + features + " features");
            return images.scaled();
        }
        if (name.endsWith(".csv")) return CsvData.features(file, features);
        throw DataException.of(file, "is neither IDX images (*-ubyte[.gz]) nor CSV (*.csv); the model in " + checkpoint
                + " takes rows of " + features + " features");
    }
}
