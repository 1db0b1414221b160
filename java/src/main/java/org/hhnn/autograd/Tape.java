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
        Node n = new Node(fn, inputs, output);
        output.setRequiresGrad(true);
        output.setCreator(n);
        NODES.get().add(n);
        return output;
    }

    public static int size() { return NODES.get().size(); }

    /** Drops the recorded ops without computing gradients. */
    public static void clear() {
        for (Node n : NODES.get()) n.output.setCreator(null);
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
                Tensor g = node.output.grad();
                if (g == null) continue;
                Tensor[] grads = node.fn.backward(g);
                if (grads.length != node.inputs.length)
                    throw new IllegalStateException(node.fn.getClass().getSimpleName() + " returned " + grads.length + " gradients for " + node.inputs.length + " inputs");
                for (int k = 0; k < grads.length; k++) {
                    Tensor in = node.inputs[k];
                    if (in == null || grads[k] == null || !in.requiresGrad()) continue;
                    accumulate(in, grads[k], owned);
                }
                // The output's gradient is consumed: release it now to keep peak memory low.
                node.output.setGrad(null);
                if (owned.remove(g) != null) g.free();
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
