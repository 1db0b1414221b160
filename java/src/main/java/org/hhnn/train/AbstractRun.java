package org.hhnn.train;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
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
    Path metricsOut, plot;

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

    /** Where INFO lines and progress go (default System.err). */
    public S log(PrintStream s) { log = s; return self(); }

    @SuppressWarnings("unchecked")
    private S self() { return (S) this; }
}
