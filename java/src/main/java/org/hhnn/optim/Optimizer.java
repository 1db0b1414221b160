package org.hhnn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.tensor.Tensor;

/**
 * Updates parameters from their accumulated gradients with one fused backend primitive per
 * parameter. The learning rate seen by a step is {@code baseLr · schedule(progress) / (1 + decay · t)}
 * (Keras-style time decay; decay = 0 by default). State tensors are named for checkpoints.
 */
public abstract class Optimizer {
    protected final Map<String, Tensor> params;
    protected float lr;
    protected float decay;
    protected float weightDecay;
    protected int step;
    private LrSchedule schedule = LrSchedule.constant();
    private double progress;

    protected Optimizer(Map<String, Tensor> params, float lr) {
        if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    public Optimizer weightDecay(float wd) { this.weightDecay = wd; return this; }
    /** Keras-style time-based decay: lr_t = lr / (1 + decay · t). */
    public Optimizer decay(float d) { this.decay = d; return this; }
    public Optimizer schedule(LrSchedule s) { this.schedule = s; return this; }
    /** Fraction of training done, in [0, 1], for the step schedule. */
    public void setProgress(double p) { this.progress = p; }

    public float currentLr() {
        return (float) (lr * schedule.factor(progress) / (1.0 + decay * step));
    }

    /** The base learning rate (before schedule and decay); the language models scale it per step by the window length. */
    public float baseLr() { return lr; }
    public void setBaseLr(float lr) {
        if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        this.lr = lr;
    }

    public int stepCount() { return step; }
    public void setStepCount(int s) { step = s; }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        float lrNow = currentLr();
        step++;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            if (p.grad() == null) continue;
            update(e.getKey(), p, p.grad(), lrNow);
        }
    }

    protected abstract void update(String name, Tensor p, Tensor g, float lrNow);

    public void zeroGrad() {
        for (Tensor p : params.values())
            if (p.grad() != null) p.backend().fill(p.grad().buffer(), 0f, p.grad().size());
    }

    /** Named state tensors (e.g. "adam.m.0.weight"), for checkpoints. */
    public abstract Map<String, Tensor> state();

    public List<Tensor> parameters() { return new ArrayList<>(params.values()); }

    /** A one-line description for logs and metrics. */
    public abstract String describe();

    /** Frees optimizer state. */
    public void free() { state().values().forEach(Tensor::free); }
}
