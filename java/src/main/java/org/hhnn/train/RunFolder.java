package org.hhnn.train;

import java.nio.file.Path;

/**
 * Where a run's outputs go given {@code --run-dir} (DESIGN.md § Runs): metrics.json, curves.png, checkpoint/ and the
 * TensorBoard event files in the folder, unless other settings say where. The classifiers' and the language models' runs
 * share it, so the flag means the same for both.
 */
record RunFolder(Path metrics, Path plot) {
    /** Resolves the defaults; the checkpoint and TensorBoard folders are set in c. runDir null: only what was given. */
    static RunFolder resolve(Path runDir, Path metrics, Path plot, Path tensorboard, TrainConfig c) {
        c.tensorboardDir = tensorboard != null ? tensorboard : runDir;
        if (runDir == null) return new RunFolder(metrics, plot);
        if (c.checkpointDir == null) c.checkpointDir = runDir.resolve("checkpoint");
        return new RunFolder(metrics != null ? metrics : runDir.resolve("metrics.json"), plot != null ? plot : runDir.resolve("curves.png"));
    }
}
