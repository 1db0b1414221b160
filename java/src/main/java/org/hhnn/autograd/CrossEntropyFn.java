package org.hhnn.autograd;

import org.hhnn.backend.Backend;
import org.hhnn.tensor.Tensor;

/** Mean softmax cross-entropy of logits (B, C) against integer labels (B): a scalar. */
final class CrossEntropyFn implements Function {
    private final Tensor logits, probs;
    private final int[] labels;

    private CrossEntropyFn(Tensor logits, Tensor probs, int[] labels) { this.logits = logits; this.probs = probs; this.labels = labels; }

    static Tensor apply(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(0) != labels.length)
            throw new IllegalArgumentException("cross-entropy: logits " + logits + " need shape (B, C) with B = " + labels.length + " labels");
        Backend be = logits.backend();
        int rows = logits.dim(0), cols = logits.dim(1);
        Tensor probs = logits.emptyLike();   // overwritten whole by softmaxCrossEntropy
        Tensor perRow = Tensor.zeros(be, rows);
        be.softmaxCrossEntropy(logits.buffer(), labels, probs.buffer(), perRow.buffer(), rows, cols);
        Tensor loss = Tensor.zeros(be, 1);
        be.sumCols(perRow.buffer(), loss.buffer(), 1, rows, 0f);
        be.axpby(1f / rows, loss.buffer(), 0f, loss.buffer(), 1);
        return Tape.record(new CrossEntropyFn(logits, probs, labels.clone()), loss, logits);
    }

    @Override public Tensor[] backward(Tensor dloss) {
        int rows = logits.dim(0), cols = logits.dim(1);
        float g = dloss.item();
        Tensor d = logits.emptyLike();   // overwritten whole by the backward
        logits.backend().softmaxCrossEntropyBackward(probs.buffer(), labels, g / rows, d.buffer(), rows, cols);
        return new Tensor[] {d};
    }
}
