package org.hhnn.autograd;

import java.util.Arrays;
import org.hhnn.backend.Backend;
import org.hhnn.backend.BinaryOp;
import org.hhnn.tensor.Tensor;

/** out = a (op) b elementwise on equal shapes. */
final class BinaryFn implements Function {
    private final BinaryOp op;
    private final Tensor a, b;

    private BinaryFn(BinaryOp op, Tensor a, Tensor b) { this.op = op; this.a = a; this.b = b; }

    static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(op.name().toLowerCase() + ": shapes " + a + " and " + b + " differ");
        Tensor out = a.emptyLike();
        a.backend().binary(op, a.buffer(), b.buffer(), out.buffer(), a.size());
        return Tape.record(new BinaryFn(op, a, b), out, a, b);
    }

    @Override public Tensor[] backward(Tensor dout) {
        Backend be = a.backend();
        long n = a.size();
        Tensor da = null, db = null;
        switch (op) {
            case ADD:
                da = a.requiresGrad() ? dout : null;
                db = b.requiresGrad() ? dout : null;
                break;
            case SUB:
                da = a.requiresGrad() ? dout : null;
                if (b.requiresGrad()) { db = b.zerosLike(); be.axpby(-1f, dout.buffer(), 0f, db.buffer(), n); }
                break;
            case MUL:
                if (a.requiresGrad()) { da = a.emptyLike(); be.binary(BinaryOp.MUL, dout.buffer(), b.buffer(), da.buffer(), n); }
                if (b.requiresGrad()) { db = b.emptyLike(); be.binary(BinaryOp.MUL, dout.buffer(), a.buffer(), db.buffer(), n); }
                break;
            default: throw new AssertionError(op);
        }
        return new Tensor[] {da, db};
    }
}
