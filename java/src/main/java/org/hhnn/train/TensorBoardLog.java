package org.hhnn.train;

import java.nio.file.Path;
import java.util.Map;
import org.hhnn.tensor.Tensor;

/**
 * What a training run shows in TensorBoard: every {@code every} steps the batch loss, learning rate and samples/s
 * ({@code step/...}, x = optimizer step); each epoch the epoch's train loss, validation loss and accuracy, lr and
 * samples/s ({@code epoch/...}, x = epoch), and histograms of every parameter and of its gradient from the
 * epoch's last step ({@code weights/NAME}, {@code grads/NAME}). A language model logs per epoch (losses, perplexities,
 * lr, tokens/s, histograms) and per window ({@code step/...}, x = window step, samples = tokens).
 */
public final class TensorBoardLog implements AutoCloseable {
    private final TensorBoardWriter w;
    private final int every;

    public TensorBoardLog(Path dir, int every) {
        if (every < 1) throw new IllegalArgumentException("TensorBoard step interval must be at least 1, got " + every);
        this.w = TensorBoardWriter.open(dir);
        this.every = every;
    }

    /** After optimizer step {@code step} (1-based); writes only every {@code every} steps. */
    public void step(long step, double loss, double lr, double samplesPerSec) {
        if (step % every != 0) return;
        w.scalar("step/loss", step, loss);
        w.scalar("step/lr", step, lr);
        w.scalar("step/samples_per_s", step, samplesPerSec);
    }

    /** After an epoch: its figures and the parameter and gradient histograms; flushed. */
    public void epoch(EpochStats s, double lr, Map<String, Tensor> params) {
        w.scalar("epoch/train_loss", s.epoch(), s.trainLoss());
        if (Double.isFinite(s.valLoss())) w.scalar("epoch/val_loss", s.epoch(), s.valLoss());
        if (Double.isFinite(s.valAccuracy())) w.scalar("epoch/val_accuracy", s.epoch(), s.valAccuracy());
        w.scalar("epoch/lr", s.epoch(), lr);
        w.scalar("epoch/samples_per_s", s.epoch(), s.samplesPerSec());
        histograms(s.epoch(), params);
    }

    /** After a language model's epoch: its losses and perplexities, lr, tokens/s and the histograms; flushed. */
    public void epoch(LmEpochStats s, double lr, Map<String, Tensor> params) {
        w.scalar("epoch/train_loss", s.epoch(), s.trainLoss());
        w.scalar("epoch/val_loss", s.epoch(), s.valLoss());
        w.scalar("epoch/train_ppl", s.epoch(), s.trainPpl());
        w.scalar("epoch/val_ppl", s.epoch(), s.valPpl());
        w.scalar("epoch/lr", s.epoch(), lr);
        w.scalar("epoch/tokens_per_s", s.epoch(), s.tokensPerSec());
        histograms(s.epoch(), params);
    }

    private void histograms(long epoch, Map<String, Tensor> params) {
        params.forEach((name, t) -> {
            w.histogram("weights/" + name, epoch, t.toArray());
            if (t.grad() != null) w.histogram("grads/" + name, epoch, t.grad().toArray());
        });
        w.flush();
    }

    public Path file() { return w.file(); }

    @Override public void close() { w.close(); }
}
