package org.hhnn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Non-monotonically triggered averaged SGD (Merity et al. 2017, as awd-lstm-lm runs it): plain SGD until a validation
 * loss is worse than the best of all checks but the last {@code nonmono}; from then on every step also updates the
 * running average of the parameters, ax = ax + (p − ax)/n over the n steps since the switch (torch.optim.ASGD with
 * t0 = 0, λ = 0, whose step is then SGD's), and evaluation uses the average. The averages, n and the history of checks
 * are state a checkpoint carries, so a resumed run triggers and averages exactly as an uninterrupted one.
 */
public final class NtAsgd {
    private final Map<String, Tensor> params;
    private final int nonmono;
    private final List<Double> checks = new ArrayList<>();
    private final Map<String, Tensor> avg = new LinkedHashMap<>();
    private long count;

    public NtAsgd(Map<String, Tensor> params, int nonmono) {
        if (nonmono < 1) throw new IllegalArgumentException("--set nonmono must be at least 1, got " + nonmono);
        this.params = new LinkedHashMap<>(params);
        this.nonmono = nonmono;
    }

    public boolean active() { return !avg.isEmpty(); }
    public long count() { return count; }
    public List<Double> checks() { return List.copyOf(checks); }

    /** Records a validation loss; switches to averaging (and returns true) when the non-monotone trigger fires. */
    public boolean check(double valLoss) {
        boolean fire = false;
        if (!active() && checks.size() > nonmono) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < checks.size() - nonmono; i++) best = Math.min(best, checks.get(i));
            fire = valLoss > best;
        }
        if (fire) activate();
        checks.add(valLoss);
        return fire;
    }

    private void activate() {
        for (Map.Entry<String, Tensor> e : params.entrySet())
            avg.put(e.getKey(), Tensor.persistentZeros(e.getValue().backend(), e.getValue().shape()));
        count = 0;
    }

    /** After each optimizer step: fold the new parameters into the average (nothing before the switch). */
    public void afterStep() {
        if (!active()) return;
        count++;
        float w = (float) (1.0 / count);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue(), a = avg.get(e.getKey());
            p.backend().axpby(w, p.buffer(), 1f - w, a.buffer(), p.size());
        }
    }

    /** Runs f with the averaged parameters in place of the trained ones (as is, before the switch), then puts them back. */
    public <T> T withAverage(Supplier<T> f) {
        if (!active()) return f.get();
        swap();
        try {
            return f.get();
        } finally {
            swap();
        }
    }

    /** Leaves the averaged parameters in the model (the end of training: they are the result). */
    public void applyAverage() {
        if (!active()) return;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            p.backend().copy(avg.get(e.getKey()).buffer(), 0, p.buffer(), 0, p.size());
        }
    }

    private void swap() {
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue(), a = avg.get(e.getKey());
            Backend be = p.backend();
            Tensor tmp = Tensor.persistentZeros(be, p.shape());
            be.copy(p.buffer(), 0, tmp.buffer(), 0, p.size());
            be.copy(a.buffer(), 0, p.buffer(), 0, p.size());
            be.copy(tmp.buffer(), 0, a.buffer(), 0, p.size());
            tmp.free();
        }
    }

    /** The averages by parameter name (empty before the switch), for checkpoints. */
    public Map<String, Tensor> averages() { return avg; }

    /** Restores checkpointed state: the checks, and when active the averages (loaded into {@link #averages} after) and n. */
    public void restore(List<Double> checks, boolean active, long count) {
        this.checks.clear();
        this.checks.addAll(checks);
        avg.values().forEach(Tensor::free);
        avg.clear();
        if (active) activate();
        this.count = count;
    }

    public void free() { avg.values().forEach(Tensor::free); }
}
