package org.hhnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backend;
import org.hhnn.data.Dataset;
import org.hhnn.train.ActivationCurves;
import org.hhnn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hhnn viz activations}: the paper's Table 5 picture for a trained LSTM classifier, per hidden node and test input
 * ({@link ActivationCurves}: i·tanh(v) for the control, i·tanh(s·v) for the modulated LSTM), one PNG per node and the
 * i, s and g values as CSV.
 */
@Command(name = "activations", mixinStandardHelpOptions = true,
        description = "Plot a trained LSTM's per-input activation curves against tanh(v) (the paper's Table 5): i·tanh(v) for "
                + "the control (lstm, lstm-control1, lstm-control2), i·tanh(s·v) for the modulated LSTM (lstm-mod).")
public final class VizActivationsCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions = new BackendOptions();

    @Mixin CheckpointOption checkpoint = new CheckpointOption();

    @Mixin DataOptions data = new DataOptions();   // whose test inputs are shown

    @Option(names = "--nodes", defaultValue = "4", paramLabel = "N", description = "hidden nodes to plot, the first N (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--inputs", defaultValue = "8", paramLabel = "K", description = "test inputs, the first K, one curve each (default: ${DEFAULT-VALUE})")
    int inputs;

    @Mixin OutDirOption out = new OutDirOption();

    @Override public Integer call() throws IOException {
        if (nodes < 1) throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
        if (inputs < 1) throw new IllegalArgumentException("--inputs must be at least 1, got " + inputs);
        Backend backend = backendOptions.resolve();
        Checkpoint.Loaded ck = checkpoint.load();
        ActivationCurves.requireModel(ck);   // before the data is read
        String ds = data.dataset(ck, "names");
        Dataset test = data.load(ds).test();
        ActivationCurves.Drawn d = ActivationCurves.draw(ck, backend, test, ds, nodes, inputs, out.dir("viz-activations"));
        System.out.printf("activation curves of %d node(s) for %d %s test input(s) (sequences of up to %d tokens):%n", d.nodes(),
                d.inputs(), ds, test.features());
        for (Path p : d.files()) System.out.println("  " + p);
        return 0;
    }
}
