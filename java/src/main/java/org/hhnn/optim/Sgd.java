package org.hhnn.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hhnn.tensor.Tensor;

/** SGD with optional (Nesterov) momentum and L2 weight decay (fused backend update). */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final boolean nesterov;
    private final Map<String, Tensor> velocity = new LinkedHashMap<>();

    public Sgd(Map<String, Tensor> params, float lr, float momentum, boolean nesterov) {
        super(params, lr);
        this.momentum = momentum;
        this.nesterov = nesterov;
        if (momentum != 0f)
            params.forEach((k, p) -> velocity.put(k, Tensor.persistentZeros(p.backend(), p.shape())));
    }

    @Override protected void update(String name, Tensor p, Tensor g, float lrNow) {
        Tensor v = velocity.get(name);
        p.backend().sgdUpdate(p.buffer(), g.buffer(), v == null ? null : v.buffer(), p.size(),
                lrNow, momentum, weightDecay, nesterov);
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        velocity.forEach((k, v) -> s.put("sgd.velocity." + k, v));
        return s;
    }

    @Override public String describe() {
        return "sgd(lr=" + lr + ", momentum=" + momentum + (nesterov ? ", nesterov" : "") + ", decay=" + decay + ", weight_decay=" + weightDecay + ")";
    }
}
