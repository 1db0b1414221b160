package org.hhnn.train;

import java.nio.file.Path;
import java.util.List;
import org.hhnn.tensor.Tensor;

/**
 * Hooks into a {@link Trainer}'s loop, for what watches or joins a training run (TensorBoard and run.json writers,
 * data-parallel gradient reduction, progress reports). Every method has an empty default; they run on the training
 * thread, in the order the listeners were added ({@link Trainer#addListener}).
 */
public interface TrainingListener {
    /**
     * After backward (and clipping), before the optimizer updates the parameters: the place to all-reduce gradients
     * ({@code p.grad()} of each parameter) across processes.
     */
    default void beforeUpdate(Trainer trainer, List<Tensor> parameters) {}

    /** After each optimisation step: epoch (0-based), batch index within it, optimizer step count, the batch's loss. */
    default void onStep(Trainer trainer, int epoch, int batch, long step, float loss) {}

    /** After each epoch's validation. */
    default void onEpoch(Trainer trainer, EpochStats stats) {}

    /** After a checkpoint save landed (the save's directory). */
    default void onCheckpoint(Trainer trainer, Path save) {}
}
