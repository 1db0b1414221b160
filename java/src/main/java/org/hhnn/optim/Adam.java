package org.hhnn.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hhnn.tensor.Tensor;

/** Adam, or AdamW when decoupled (weight decay applied to the parameter, not the gradient). */
public final class Adam extends Optimizer {
    private final float beta1, beta2, eps;
    private final boolean decoupled;
    private final Map<String, Tensor> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();

    public Adam(Map<String, Tensor> params, float lr, float beta1, float beta2, float eps, boolean decoupled) {
        super(params, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
        params.forEach((k, p) -> {
            m.put(k, Tensor.persistentZeros(p.backend(), p.shape()));
            v.put(k, Tensor.persistentZeros(p.backend(), p.shape()));
        });
    }

    @Override protected void update(String name, Tensor p, Tensor g, float lrNow) {
        p.backend().adamUpdate(p.buffer(), g.buffer(), m.get(name).buffer(), v.get(name).buffer(), p.size(),
                lrNow, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        m.forEach((k, t) -> s.put("adam.m." + k, t));
        v.forEach((k, t) -> s.put("adam.v." + k, t));
        return s;
    }

    @Override public String describe() {
        return (decoupled ? "adamw" : "adam") + "(lr=" + lr + ", betas=" + beta1 + "/" + beta2 + ", eps=" + eps + ", weight_decay=" + weightDecay + ", decay=" + decay + ")";
    }
}
