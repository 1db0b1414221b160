package org.hhnn.cli;

import com.google.gson.JsonElement;
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
import org.hhnn.data.TextCodec;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Network;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.CheckpointException;
import org.hhnn.train.LmRun;
import org.hhnn.train.LmTrainer;
import org.hhnn.train.NextWords;
import org.hhnn.train.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hhnn predict --checkpoint DIR --input FILE}: a classifier's class probabilities for new inputs, or a language
 * model's most probable next words after each line, as CSV.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Class probabilities of a trained classifier for new inputs (IDX images, CSV rows of features, or lines of text), "
                + "or a language model's most probable next words after each line of text, as CSV.")
public final class PredictCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Mixin CheckpointOption checkpoint = new CheckpointOption();

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "IDX images (*-ubyte, *-ubyte.gz; scaled to [0, 1] as in training) or CSV rows of feature values (a header row is skipped, "
                    + "a 'label' column left out) for the image and table models; UTF-8 text, one text per line, for the text classifiers "
                    + "(names, sst2, tsv) and the language models (each line a sentence whose next word is asked for)")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "write the CSV here (default: standard output)")
    Path output;

    @Option(names = "--batch-size", defaultValue = "256", description = "inputs per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", description = "language models: next words listed per line (default: ${DEFAULT-VALUE})")
    int topK;

    @Override public Integer call() throws IOException {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        if (topK < 1) throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = checkpoint.load();
        StringWriter text = new StringWriter();
        int rows;
        try (CSVPrinter out = new CSVPrinter(text, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            rows = LmTrainer.isLmCheckpoint(ck) ? nextWords(ck, backend, out) : classes(ck, backend, out);
        }
        if (output != null) {
            AtomicFiles.writeString(output, text.toString());
            System.err.println("INFO " + rows + " predictions written to " + output);
        } else {
            System.out.print(text);
        }
        return 0;
    }

    /** Class probabilities: row, [text,] predicted, [class,] p_0..p_k (text for text inputs, class when the run recorded names). */
    private int classes(Checkpoint.Loaded ck, Backend backend, CSVPrinter out) throws IOException {
        Network net = ck.network(backend, 0);
        int features = net.config.get("in_features").getAsInt();
        JsonElement vocab = net.config.get("vocab");
        List<String> texts = null;
        float[] x;
        if (vocab != null && vocab.getAsInt() > 0) {   // token ids: the text the checkpoint's vocabulary encodes
            TextCodec codec = codec(ck);
            TextCodec.Encoded e = codec.encode(textInput(ck));
            if (e.withUnknown() > 0)
                System.err.println("INFO " + e.withUnknown() + " of " + e.rows() + " lines hold " + (codec.tokenizer().equals(TextCodec.CHARS)
                        ? "characters" : "words") + " outside the model's vocabulary: read as <unk> (id 1), as training read them");
            if (e.cut() > 0)
                System.err.println("INFO " + e.cut() + " of " + e.rows() + " lines are longer than the model's " + codec.maxLen()
                        + " tokens: their first " + codec.maxLen() + " are read, as in training");
            texts = TextCodec.lines(input);
            x = e.x();
        } else {
            x = read(input, features, checkpoint.checkpoint);
        }
        float[][] p = new Predictor(net, backend, features).probabilities(x, batchSize);
        String[] names = ck.classNames(net.numClasses);
        List<String> header = new ArrayList<>(List.of("row"));
        if (texts != null) header.add("text");
        header.add("predicted");
        if (names != null) header.add("class");
        for (int c = 0; c < net.numClasses; c++) header.add("p_" + c);
        out.printRecord(header);
        for (int i = 0; i < p.length; i++) {
            int arg = Predictor.argmax(p[i]);
            List<Object> row = new ArrayList<>(List.of(i));
            if (texts != null) row.add(texts.get(i));
            row.add(arg);
            if (names != null) row.add(names[arg]);
            for (float v : p[i]) row.add(v);
            out.printRecord(row);
        }
        return p.length;
    }

    /** A language model's next words: row, text, word_1, p_1 .. word_k, p_k, most probable first. */
    private int nextWords(Checkpoint.Loaded ck, Backend backend, CSVPrinter out) throws IOException {
        Network net = LmRun.network(ck, backend);
        AwdLstm model = (AwdLstm) net.body;
        TextCodec codec = codec(ck);
        if (codec.vocabulary().length != model.vocab)
            throw new CheckpointException(ck.file(Checkpoint.CONFIG_FILE) + " records a vocabulary of " + codec.vocabulary().length
                    + " words but its model has " + model.vocab);
        Path file = textInput(ck);
        int[][] sentences = codec.sentences(file);
        List<String> texts = TextCodec.lines(file);
        NextWords.Guess[] g = NextWords.topK(model, sentences, topK);
        int k = g[0].ids().length;
        List<String> header = new ArrayList<>(List.of("row", "text"));
        for (int j = 1; j <= k; j++) { header.add("word_" + j); header.add("p_" + j); }
        out.printRecord(header);
        for (int i = 0; i < g.length; i++) {
            List<Object> row = new ArrayList<>(List.of(i, texts.get(i)));
            for (int j = 0; j < k; j++) { row.add(codec.vocabulary()[g[i].ids()[j]]); row.add(g[i].p()[j]); }
            out.printRecord(row);
        }
        return g.length;
    }

    private static TextCodec codec(Checkpoint.Loaded ck) {
        return TextCodec.fromConfig(ck.config(), ck.file(Checkpoint.CONFIG_FILE));
    }

    /** The input of a text model: text, not IDX images. */
    private Path textInput(Checkpoint.Loaded ck) {
        if (isIdx(input))
            throw DataException.of(input, "holds IDX images, but the model in " + checkpoint.checkpoint + " reads text (UTF-8, one text per line)");
        return input;
    }

    private static boolean isIdx(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith("-ubyte") || name.endsWith("-ubyte.gz") || name.contains("idx3");
    }

    /** The inputs as rows of {@code features} floats, or one sentence naming the file and what the model takes. */
    static float[] read(Path file, int features, Path checkpoint) {
        if (isIdx(file)) {
            IdxReader.IdxImages images = IdxReader.readImages(file);
            if (images.rows() * images.cols() != features)
                throw DataException.of(file, "holds " + images.rows() + "x" + images.cols() + " images (" + images.rows() * images.cols()
                        + " values) but the model in " + checkpoint + " takes " + features + " features");
            return images.scaled();
        }
        if (file.getFileName().toString().endsWith(".csv")) return CsvData.features(file, features);
        throw DataException.of(file, "is neither IDX images (*-ubyte[.gz]) nor CSV (*.csv); the model in " + checkpoint
                + " takes rows of " + features + " features");
    }
}
