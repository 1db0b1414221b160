package org.hhnn.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.hhnn.backend.Backend;

/**
 * What a run of each kind ({@link TrainingRun}, {@link LmRun}) is set up with before {@code run()} goes from config to
 * data, model, trainer and outputs: its settings (a new run's config, or a checkpoint to resume with overrides), the
 * backend, where INFO lines go and the result files asked for. S is the run's own class, so the setters chain.
 */
public abstract class AbstractRun<S extends AbstractRun<S>> {
    final TrainConfig cfg;
    final Backend backend;
    final Path resumeFrom;
    final JsonObject overrides;
    PrintStream log = System.err;
    Path metricsOut, plot, runDir, tensorboard;
    List<String> argv = List.of();

    /** A new run (cfg set, resumeFrom null) or a resumed one (cfg null; overrides as {@link TrainConfig#apply} keys). */
    AbstractRun(TrainConfig cfg, Backend backend, Path resumeFrom, JsonObject overrides) {
        this.cfg = cfg;
        this.backend = backend;
        this.resumeFrom = resumeFrom;
        this.overrides = resumeFrom != null && overrides == null ? new JsonObject() : overrides;
    }

    /** Write the metrics JSON here when the run ends. */
    public S metricsOut(Path file) { metricsOut = file; return self(); }

    /** Write the run's curves (PNG) here when the run ends. */
    public S plot(Path png) { plot = png; return self(); }

    /**
     * The run's folder: run.json ({@link RunRecord}) and, unless set otherwise, metrics.json, curves.png, the TensorBoard
     * event files and checkpoint/ (for a new run) go here.
     */
    public S runDir(Path dir) { runDir = dir; return self(); }

    /** Write TensorBoard event files here (default: the run folder, if any). */
    public S tensorboard(Path dir) { tensorboard = dir; return self(); }

    /** The command line recorded in run.json. */
    public S argv(List<String> args) { argv = List.copyOf(args); return self(); }

    /** Where INFO lines and progress go (default System.err). */
    public S log(PrintStream s) { log = s; return self(); }

    @SuppressWarnings("unchecked")
    private S self() { return (S) this; }

    /** The head of the run's metrics: what was trained on what, on which backend, from which seed, with how many parameters. */
    JsonObject metricsHead(String model, String dataset, long seed, long params) {
        JsonObject m = new JsonObject();
        m.addProperty("model", model);
        m.addProperty("dataset", dataset);
        m.addProperty("backend", backend.name());
        m.addProperty("seed", seed);
        m.addProperty("params", params);
        return m;
    }

    /** m[key]: one figure of each epoch of the history ({@link Trainer#num}: NaN as null). */
    static <E> void perEpoch(JsonObject m, String key, List<E> history, ToDoubleFunction<E> figure) {
        JsonArray a = new JsonArray();
        for (E e : history) a.add(Trainer.num(figure.applyAsDouble(e)));
        m.add(key, a);
    }

    /** The tail of the run's metrics: the trainer's epoch records, the data, both configs and the training time. */
    static void metricsTail(JsonObject m, JsonArray epochs, JsonObject data, JsonObject modelConfig, TrainConfig c, double trainSeconds) {
        m.add("epochs", epochs);
        m.add("data", data);
        m.add("model_config", modelConfig);
        m.add("train_config", c.toJson());
        m.addProperty("train_seconds", trainSeconds);
    }

    /** Draws a run's curves into a PNG (the run's own curves; compare draws its runs' together in stats.Curves). */
    @FunctionalInterface
    interface CurvePlot { void draw(Path png) throws IOException; }

    /**
     * Writes the metrics and the run record where they were asked for, then the curves of the finished epochs of history
     * (none when no epoch finished: a run stopped in its first). A file that cannot be written is named.
     */
    void writeOutputs(JsonObject m, RunRecord record, List<?> history, CurvePlot curves) {
        if (metricsOut != null) {
            try {
                AtomicFiles.writeJson(metricsOut, m);
            } catch (IOException e) {
                throw notWritten(metricsOut, e);
            }
            log.println("INFO metrics written to " + metricsOut);
        }
        if (runDir != null) {
            record.finish(runDir);   // names run.json itself if it cannot write it
            log.println("INFO run record written to " + runDir.resolve(RunRecord.FILE));
        }
        if (plot != null && !history.isEmpty()) {
            try {
                curves.draw(plot);
            } catch (IOException e) {
                throw notWritten(plot, e);
            }
            log.println("INFO curves written to " + plot);
        }
    }

    private static UncheckedIOException notWritten(Path file, IOException e) {
        return new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
    }
}
