package org.hhnn.reproduce;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.data.DataSets;
import org.hhnn.train.ActivationCurves;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.TrainingRun;

/**
 * The modulation paper's Table 5 beside the LSTM presets' statistics: one more run each of the control and the modulated
 * LSTM (seed 1, the preset's settings) that keeps its checkpoint, drawn by {@link ActivationCurves} (control left,
 * modulated right); kept and reused when the reproduction resumes. The modulated run and its panels sit in table5/
 * itself, the control's in table5/control/.
 */
final class Table5 {
    private Table5() {}

    /** The control: the vanilla LSTM with the modulated one's hidden size, so that node j is drawn on both sides. */
    static final String CONTROL = "lstm-control2";
    private static final int NODES = 2, INPUTS = 6;
    /** The runs it trains, as {@link Reproduction#plan} lists them. */
    static final String PLAN = String.format("  %-18s one more run each of %s and %s (seed 1, epochs as above) that keeps its checkpoint, "
            + "for the activation picture%n", "table5", ActivationCurves.MODULATED, CONTROL);

    /** True for the presets whose report has this section: modulation Table 4's, the LSTM ones. */
    static boolean applies(Preset p) { return p.name().startsWith("modulation-table4"); }

    /** The section's Markdown lines, after its runs are trained (unless kept) and drawn into out/table5. */
    static List<String> section(List<Arm> arms, Backend backend, Path out, PrintStream log) {
        Arm mod = arm(arms, ActivationCurves.MODULATED), control = arm(arms, CONTROL);
        Path dir = out.resolve("table5");
        String failed = draw(mod, backend, dir, log) + draw(control, backend, dir.resolve("control"), log);
        if (!failed.isEmpty()) return List.of("## Table 5: activation picture", "", "Not drawn:" + failed);
        List<String> md = new ArrayList<>(List.of("## Table 5: activation picture (control beside modulated)", "",
                "Each row is one hidden node of a trained " + control.key() + " (left: the control, a vanilla LSTM with the same "
                        + "hidden size) and a trained " + mod.key() + " (right), seed 1 each, this preset's settings. Each curve is one "
                        + "test input; i and s are taken at its last token. On the left the input gate i scales the amplitude of the "
                        + "fixed activation: i·tanh(v). On the right the modulation s = σ_m(m) changes the slope as well: i·tanh(s·v). "
                        + "The unmodulated tanh(v) is drawn on both sides for reference. The i and s values, with the candidate preactivation g "
                        + "each input reached and its activation there (the paper's dots), are in `table5/control/"
                        + ActivationCurves.CSV + "` and `table5/" + ActivationCurves.CSV + "`.", "",
                "| node | control (" + control.key() + "): i·tanh(v) | modulated (" + mod.key() + "): i·tanh(s·v) |", "|---|---|---|"));
        for (int j = 0; j < NODES; j++)
            md.add("| " + j + " | ![control node " + j + "](table5/control/node" + j + ".png) | ![modulated node " + j + "](table5/node" + j + ".png) |");
        return md;
    }

    private static Arm arm(List<Arm> arms, String key) {
        return arms.stream().filter(a -> a.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the LSTM preset has no " + key + " arm"));
    }

    // Trains a's seed-1 run into out/run unless it is kept there, then draws it into out; "" or what failed.
    private static String draw(Arm a, Backend backend, Path out, PrintStream log) {
        Path run = out.resolve("run");
        if (!Files.exists(run.resolve("metrics.json"))) {
            log.println("INFO Table 5: one more " + a.key() + " run (seed 1) that keeps its checkpoint, for the activation picture");
            new TrainingRun(a.config().copy(), backend).log(log).runDir(run).run();
        }
        try {
            Checkpoint.Loaded ck = Checkpoint.load(run.resolve("checkpoint"), log);
            String dataset = ck.dataset() != null ? ck.dataset() : a.config().dataset;
            ActivationCurves.draw(ck, backend, DataSets.load(dataset, a.config().dataDir).test(), dataset, NODES, INPUTS, out);
            log.println("INFO Table 5: " + a.key() + "'s activation curves in " + out);
            return "";
        } catch (IOException | RuntimeException e) {
            // The statistics above stand without the picture: the report says what failed rather than being lost with it.
            log.println("hhnn: Table 5: drawing the " + a.key() + " run failed: " + e.getMessage());
            return " drawing the " + a.key() + " run failed (" + e.getMessage() + ").";
        }
    }
}
