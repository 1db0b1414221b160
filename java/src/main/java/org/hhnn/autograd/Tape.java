package org.hhnn.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * The autodiff tape: ops are appended in execution order and walked backwards iteratively (no
 * recursion, so a long HH run cannot overflow the stack). Gradients accumulate with +=.
 * Leaves that require grad (parameters) get a persistent {@code grad} tensor; intermediate
 * gradients are scoped temporaries, freed as soon as their node has been processed.
 */
public final class Tape {
    private static final ThreadLocal<List<Node>> NODES = ThreadLocal.withInitial(ArrayList::new);

    private Tape() {}

    /** True when an op with these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Records fn as the creator of output if any input requires grad; returns output. */
    public static Tensor record(Function fn, Tensor output, Tensor... inputs) {
        if (!needsGrad(inputs)) return output;
        add(new Node(g -> fn.backward(g[0]), fn.getClass().getSimpleName(), inputs, new Tensor[] {output}));
        return output;
    }

    /** Records a several-output op; returns outputs. */
    public static Tensor[] recordMulti(MultiFunction fn, Tensor[] outputs, Tensor... inputs) {
        if (!needsGrad(inputs)) return outputs;
        add(new Node(fn, fn.getClass().getSimpleName(), inputs, outputs));
        return outputs;
    }

    private static void add(Node n) {
        for (Tensor o : n.outputs) {
            o.setRequiresGrad(true);
            o.setCreator(n);
        }
        NODES.get().add(n);
    }

    public static int size() { return NODES.get().size(); }

    /** Drops the recorded ops without computing gradients. */
    public static void clear() {
        for (Node n : NODES.get()) for (Tensor o : n.outputs) o.setCreator(null);
        NODES.get().clear();
    }

    /** Backpropagates from a scalar (one-element) loss with seed gradient 1. */
    public static void backward(Tensor loss) {
        if (loss.size() != 1)
            throw new IllegalArgumentException("backward() needs a scalar loss, got shape " + java.util.Arrays.toString(loss.shape()));
        Tensor seed = Tensor.zeros(loss.backend(), loss.shape());
        loss.backend().fill(seed.buffer(), 1f, 1);
        backward(loss, seed);
    }

    /** Backpropagates gradOut into loss's graph, then clears the tape. */
    public static void backward(Tensor root, Tensor gradOut) {
        List<Node> nodes = NODES.get();
        IdentityHashMap<Tensor, Boolean> owned = new IdentityHashMap<>();
        try {
            accumulate(root, gradOut, owned);
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                Tensor[] gs = new Tensor[node.outputs.length];
                boolean any = false;
                for (int o = 0; o < gs.length; o++) {
                    gs[o] = node.outputs[o].grad();
                    any |= gs[o] != null;
                }
                if (!any) continue;
                Tensor[] grads = node.fn.backward(gs);
                if (grads.length != node.inputs.length)
                    throw new IllegalStateException(node.name + " returned " + grads.length + " gradients for " + node.inputs.length + " inputs");
                for (int k = 0; k < grads.length; k++) {
                    Tensor in = node.inputs[k];
                    if (in == null || grads[k] == null || !in.requiresGrad()) continue;
                    accumulate(in, grads[k], owned);
                }
                // The outputs' gradients are consumed: release them now to keep peak memory low.
                for (int o = 0; o < gs.length; o++) {
                    node.outputs[o].setGrad(null);
                    if (gs[o] != null && owned.remove(gs[o]) != null) gs[o].free();
                }
            }
        } finally {
            clear();
        }
    }

    private static void accumulate(Tensor target, Tensor g, IdentityHashMap<Tensor, Boolean> owned) {
        if (!java.util.Arrays.equals(target.shape(), g.shape()) && target.size() != g.size())
            throw new IllegalStateException("gradient shape " + java.util.Arrays.toString(g.shape()) + " does not match " + target);
        Backend b = target.backend();
        Tensor cur = target.grad();
        if (target.isLeaf()) {
            if (cur == null) {
                cur = Tensor.persistentZeros(b, target.shape());
                target.setGrad(cur);
            }
            b.axpby(1f, g.buffer(), 1f, cur.buffer(), g.size());
            return;
        }
        if (cur == null) {
            Tensor own = Tensor.zeros(b, target.shape());
            b.copy(g.buffer(), 0, own.buffer(), 0, g.size());
            target.setGrad(own);
            owned.put(own, Boolean.TRUE);
        } else {
            b.axpby(1f, g.buffer(), 1f, cur.buffer(), g.size());
        }
    }
}
