package org.hhnn.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * A layer or a network: named parameters (persistent tensors that require grad), named child
 * modules, a train/eval mode, and {@link #forward}. Parameter names are dotted paths
 * ("0.weight"), the keys of a checkpoint.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    public abstract Tensor forward(Tensor x);

    /** Registers a parameter created from host data on backend (persistent, requires grad). */
    protected Tensor param(String name, Backend backend, float[] init, int... shape) {
        if (params.containsKey(name)) throw new IllegalArgumentException("duplicate parameter name " + name);
        Tensor t = Tensor.persistentOf(backend, init, shape).setRequiresGrad(true);
        params.put(name, t);
        return t;
    }

    /**
     * Registers persistent state that is not trained but belongs in checkpoints (e.g. batch norm's
     * running statistics); the module owns and frees it.
     */
    protected Tensor buffer(String name, Tensor t) {
        if (params.containsKey(name) || buffers.containsKey(name)) throw new IllegalArgumentException("duplicate state name " + name);
        buffers.put(name, t);
        return t;
    }

    protected <M extends Module> M child(String name, M m) {
        if (children.containsKey(name)) throw new IllegalArgumentException("duplicate child module name " + name);
        children.put(name, m);
        return m;
    }

    /** All parameters, depth first, with dotted names. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out));
    }

    /** Everything a checkpoint holds for this module: parameters, then non-trained buffers, with dotted names. */
    public Map<String, Tensor> namedState() {
        Map<String, Tensor> out = namedParameters();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collectBuffers(prefix + k + ".", out));
    }

    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.size();
        return n;
    }

    /**
     * Called once after each optimiser step (Trainer.step): projects this module's parameters back onto the set they
     * are allowed in (e.g. HH conductances stay ≥ 0) and applies the changes made outside the gradient, which must
     * wait until the backward pass has run (HH Hebbian plasticity). Nothing, unless a module says otherwise; children
     * first.
     */
    public void constrain() { children.values().forEach(Module::constrain); }

    public boolean isTraining() { return training; }

    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    public Module eval() { return train(false); }

    /** Frees every parameter and gradient (the module is unusable afterwards). */
    public void free() {
        for (Tensor t : params.values()) {
            if (t.grad() != null) t.grad().free();
            t.free();
        }
        buffers.values().forEach(Tensor::free);
        children.values().forEach(Module::free);
    }
}
