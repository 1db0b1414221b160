package org.hhnn.tensor;

import java.util.Arrays;
import org.hhnn.autograd.Node;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;

/**
 * A contiguous row-major float32 n-d array on one {@link Backend}. A tensor created while a
 * {@link Scope} is open is freed with it; one created outside any scope (parameters, optimizer
 * state) lives until {@link #free()}.
 *
 * <p>Autograd fields: {@code requiresGrad}, the accumulated {@code grad}, and the tape node that
 * produced it (null for leaves).
 */
public final class Tensor {
    private final Backend backend;
    private final Buffer buffer;
    private final int[] shape;
    private final long size;
    private final boolean view;

    private Scope scope; // the scope that frees this tensor, or null

    private boolean requiresGrad;
    private Tensor grad;
    private Node creator;

    private Tensor(Backend backend, Buffer buffer, int[] shape, boolean view) {
        this.backend = backend;
        this.buffer = buffer;
        this.shape = shape.clone();
        this.size = Shape.size(shape);
        this.view = view;
        if (buffer.length < size)
            throw new IllegalArgumentException("buffer of " + buffer.length + " floats is too small for shape " + Shape.str(shape));
    }

    // ---- creation -------------------------------------------------------------------------

    /** Zeros on backend, owned by the current scope if one is open. */
    public static Tensor zeros(Backend backend, int... shape) {
        Shape.check(shape);
        return scoped(new Tensor(backend, backend.alloc(Shape.size(shape)), shape, false));
    }

    private static Tensor scoped(Tensor t) {
        Scope s = Scope.current();
        if (s != null) {
            s.register(t);
            t.scope = s;
        }
        return t;
    }

    /**
     * A scoped tensor with unspecified contents, for an op's output that its primitive overwrites
     * entirely (never for buffers a primitive accumulates into).
     */
    public static Tensor empty(Backend backend, int... shape) {
        Shape.check(shape);
        return scoped(new Tensor(backend, backend.allocUninitialized(Shape.size(shape)), shape, false));
    }

    /** Zeros that outlive every scope (parameters, gradients of parameters, optimizer state). */
    public static Tensor persistentZeros(Backend backend, int... shape) {
        Shape.check(shape);
        return new Tensor(backend, backend.alloc(Shape.size(shape)), shape, false);
    }

    /** A tensor holding a copy of data, owned by the current scope if one is open. */
    public static Tensor of(Backend backend, float[] data, int... shape) {
        Shape.check(shape);
        if (data.length != Shape.size(shape))
            throw new IllegalArgumentException("data has " + data.length + " values but shape " + Shape.str(shape) + " needs " + Shape.size(shape));
        Tensor t = zeros(backend, shape);
        backend.upload(data, t.buffer);
        return t;
    }

    /** Like {@link #of} but persistent. */
    public static Tensor persistentOf(Backend backend, float[] data, int... shape) {
        Tensor t = persistentZeros(backend, shape);
        if (data.length != t.size)
            throw new IllegalArgumentException("data has " + data.length + " values but shape " + Shape.str(shape) + " needs " + t.size);
        backend.upload(data, t.buffer);
        return t;
    }

    /** A tensor of the same shape and backend, zero-filled, scoped. */
    public Tensor zerosLike() { return zeros(backend, shape); }

    /** A tensor of the same shape and backend with unspecified contents, scoped (see {@link #empty}). */
    public Tensor emptyLike() { return empty(backend, shape); }

    // ---- accessors ------------------------------------------------------------------------

    public Backend backend() { return backend; }
    public Buffer buffer() { buffer.checkLive(); return buffer; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public long size() { return size; }
    /** size as int, for primitives that index with ints. */
    public int isize() { return Math.toIntExact(size); }

    public float[] toArray() {
        float[] out = new float[Math.toIntExact(size)];
        if (buffer.length == size) backend.download(buffer(), out);
        else {
            Buffer tmp = backend.alloc(size);
            backend.copy(buffer(), 0, tmp, 0, size);
            backend.download(tmp, out);
            backend.free(tmp);
        }
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (size != 1) throw new IllegalStateException("item() needs a 1-element tensor, shape is " + Shape.str(shape));
        return toArray()[0];
    }

    /** A copy on another backend (a scoped tensor; the same object if already there). */
    public Tensor to(Backend target) {
        if (target == backend) return this;
        return of(target, toArray(), shape);
    }

    /** A view with a new shape over the same storage (no copy); freed with its base. */
    public Tensor reshape(int... newShape) {
        int[] s = Shape.resolve(newShape, size);
        Tensor v = new Tensor(backend, buffer, s, true);
        return v;
    }

    // ---- autograd -------------------------------------------------------------------------

    public boolean requiresGrad() { return requiresGrad; }
    public Tensor setRequiresGrad(boolean r) { this.requiresGrad = r; return this; }
    public Tensor grad() { return grad; }
    public void setGrad(Tensor g) { this.grad = g; }
    public Node creator() { return creator; }
    public void setCreator(Node n) { this.creator = n; }
    public boolean isLeaf() { return creator == null; }

    // ---- lifetime -------------------------------------------------------------------------

    /** Frees the storage (views share their base's storage and free nothing). */
    public void free() {
        if (!view) backend.free(buffer);
    }

    public boolean isFreed() { return buffer.isFreed(); }

    public boolean isView() { return view; }

    /**
     * Takes this tensor out of the scope that would free it, so that it lives until {@link #free()}
     * (the tape uses it to adopt a fresh gradient as a parameter's .grad without copying).
     * Returns false for views, whose storage belongs to their base.
     */
    public boolean detachFromScope() {
        if (view) return false;
        if (scope != null) {
            scope.keep(this);
            scope = null;
        }
        return true;
    }

    @Override public String toString() {
        return "Tensor" + Shape.str(shape) + "@" + backend.name();
    }

    /** Throws unless this tensor has exactly the given shape; what names the operand in the message. */
    public Tensor expectShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected))
            throw new IllegalArgumentException(what + ": expected shape " + Shape.str(expected) + " but got " + Shape.str(shape));
        return this;
    }
}
