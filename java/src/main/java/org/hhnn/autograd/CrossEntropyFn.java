package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/**
 * Mean softmax cross-entropy of logits (B, C) against integer labels (B): a scalar. When a gradient is needed the
 * forward runs the fused {@link Backend#softmaxCrossEntropyGrad}, which writes the gradient of the mean, (softmax −
 * onehot)/B, beside the losses in the same pass, so the probabilities are never stored and the backward only scales it
 * by the incoming gradient (nothing when that is 1, as for a loss that is this term alone or a sum with it).
 * Without a tape it runs {@link Backend#softmaxCrossEntropy}.
 */
final class CrossEntropyFn implements Function {
    private final Tensor dlogits;   // d(mean loss)/d logits

    private CrossEntropyFn(Tensor dlogits) { this.dlogits = dlogits; }

    static Tensor apply(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(0) != labels.length)
            throw new IllegalArgumentException("cross-entropy: logits " + logits + " need shape (B, C) with B = " + labels.length + " labels");
        Backend be = logits.backend();
        int rows = logits.dim(0), cols = logits.dim(1);
        Tensor perRow = Tensor.empty(be, rows);
        boolean grad = Tape.needsGrad(logits);
        Tensor d = logits.emptyLike();   // the gradient, or (no tape) the probabilities; overwritten whole either way
        if (grad) be.softmaxCrossEntropyGrad(logits.buffer(), labels, 1f / rows, perRow.buffer(), d.buffer(), rows, cols);
        else be.softmaxCrossEntropy(logits.buffer(), labels, d.buffer(), perRow.buffer(), rows, cols);
        Tensor loss = Tensor.zeros(be, 1);
        be.sumCols(perRow.buffer(), loss.buffer(), 1, rows, 0f);
        be.axpby(1f / rows, loss.buffer(), 0f, loss.buffer(), 1);
        return Tape.record(new CrossEntropyFn(d), loss, logits);
    }

    @Override public Tensor[] backward(Tensor dloss) {
        float g = dloss.item();
        if (g == 1f) return new Tensor[] {dlogits};
        Tensor d = dlogits.emptyLike();
        dlogits.backend().axpby(g, dlogits.buffer(), 0f, d.buffer(), dlogits.size());
        return new Tensor[] {d};
    }
}
