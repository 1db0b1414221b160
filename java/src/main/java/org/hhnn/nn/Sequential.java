package org.hhnn.nn;

import java.util.ArrayList;
import java.util.List;
import org.hhnn.tensor.Tensor;

/** Modules applied in order; children are named "0", "1", ... */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... ms) { for (Module m : ms) add(m); }

    public Sequential add(Module m) {
        child(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    public List<Module> layers() { return List.copyOf(layers); }

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
