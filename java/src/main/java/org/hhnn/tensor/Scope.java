package org.hhnn.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An explicit lifetime for temporaries: every tensor created while a scope is open on this thread
 * is freed when the scope closes, unless {@link #keep}-ed. Training wraps each step in one, so the
 * off-heap memory of the native backend is returned deterministically (no finalizers).
 *
 * <pre>{@code
 * try (Scope s = Scope.open()) {
 *     Tensor loss = model.forward(x) ...;
 *     Tape.backward(loss);
 * }   // activations and gradient temporaries are freed here
 * }</pre>
 * Scopes nest; a tensor belongs to the innermost scope open when it was created.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private Scope() {}

    public static Scope open() {
        Scope s = new Scope();
        STACK.get().push(s);
        return s;
    }

    /** The innermost open scope on this thread, or null. */
    static Scope current() { return STACK.get().peek(); }

    void register(Tensor t) { owned.add(t); }

    /** Removes t from this scope so that it outlives it; the caller now owns it. */
    public Tensor keep(Tensor t) {
        if (closed) return t;
        for (int i = owned.size() - 1; i >= 0; i--)
            if (owned.get(i) == t) { owned.remove(i); return t; }
        return t;
    }

    public int size() { return owned.size(); }

    /** Floats held by the tensors this scope owns (what a step keeps alive for its backward). */
    public long floats() {
        long n = 0;
        for (Tensor t : owned) n += t.size();
        return n;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        ArrayDeque<Scope> stack = STACK.get();
        if (stack.peek() != this)
            throw new IllegalStateException("scopes must close in reverse order of opening");
        stack.pop();
        for (Tensor t : owned) t.free();
        owned.clear();
    }
}
