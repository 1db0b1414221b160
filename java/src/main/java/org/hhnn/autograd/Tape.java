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
        // owned: gradients this pass allocated (freed once consumed); claimed: tensors already serving as
        // some .grad; borrowed: the caller's gradOut, used in place but never written.
        IdentityHashMap<Tensor, Boolean> owned = new IdentityHashMap<>(), claimed = new IdentityHashMap<>(), borrowed = new IdentityHashMap<>();
        try {
            if (root.grad() == null && !root.isLeaf() && java.util.Arrays.equals(root.shape(), gradOut.shape())) {
                // Borrow the caller's gradient (read only); copied first if anything would add to it.
                root.setGrad(gradOut);
                claimed.put(gradOut, Boolean.TRUE);
                borrowed.put(gradOut, Boolean.TRUE);
            } else {
                accumulate(root, gradOut, owned, claimed, borrowed, new Tensor[] {gradOut});
            }
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
                    accumulate(in, grads[k], owned, claimed, borrowed, gs);
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

    /**
     * target.grad += g. A first gradient is adopted without a copy when it is a fresh tensor that
     * nothing else refers to (not a view, not the output gradient being consumed, not already handed
     * to another input); otherwise it is copied.
     */
    private static void accumulate(Tensor target, Tensor g, IdentityHashMap<Tensor, Boolean> owned,
                                   IdentityHashMap<Tensor, Boolean> claimed, IdentityHashMap<Tensor, Boolean> borrowed,
                                   Tensor[] consumed) {
        if (target.size() != g.size())
            throw new IllegalStateException("gradient shape " + java.util.Arrays.toString(g.shape()) + " does not match " + target);
        Backend b = target.backend();
        Tensor cur = target.grad();
        if (cur != null && borrowed.containsKey(cur)) { // never write into the caller's tensor
            Tensor copy = Tensor.zeros(b, target.shape());
            b.copy(cur.buffer(), 0, copy.buffer(), 0, cur.size());
            owned.put(copy, Boolean.TRUE);
            target.setGrad(copy);
            cur = copy;
        }
        if (cur != null) {
            b.axpby(1f, g.buffer(), 1f, cur.buffer(), g.size());
            return;
        }
        boolean adoptable = !g.isView() && !claimed.containsKey(g) && !owned.containsKey(g)
                && java.util.Arrays.equals(g.shape(), target.shape());
        if (consumed != null) for (Tensor c : consumed) adoptable &= c != g;
        if (target.isLeaf()) {
            if (adoptable && g.detachFromScope()) {
                cur = g;                       // fresh: becomes the persistent .grad as it is
            } else {
                cur = Tensor.persistentZeros(b, target.shape());
                b.copy(g.buffer(), 0, cur.buffer(), 0, g.size());
            }
            claimed.put(cur, Boolean.TRUE);
            target.setGrad(cur);
            return;
        }
        if (adoptable) {
            cur = g;
        } else {
            cur = Tensor.zeros(b, target.shape());
            b.copy(g.buffer(), 0, cur.buffer(), 0, g.size());
        }
        claimed.put(cur, Boolean.TRUE);
        owned.put(cur, Boolean.TRUE);
        target.setGrad(cur);
    }
}
