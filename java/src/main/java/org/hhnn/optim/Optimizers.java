package org.hhnn.optim;

import java.util.Map;
import org.hhnn.tensor.Tensor;

/** Builds an optimizer by its command-line name: sgd, adam, adamw. */
public final class Optimizers {
    private Optimizers() {}

    public static Optimizer create(String name, Map<String, Tensor> params, float lr, float momentum, float weightDecay) {
        switch (name.toLowerCase()) {
            case "sgd": return new Sgd(params, lr, momentum, false).weightDecay(weightDecay);
            case "nesterov": return new Sgd(params, lr, momentum == 0f ? 0.9f : momentum, true).weightDecay(weightDecay);
            case "adam": return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, false).weightDecay(weightDecay);
            case "adamw": return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, true).weightDecay(weightDecay);
            default: throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd, nesterov, adam or adamw)");
        }
    }
}
