package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/**
 * Embedding lookup out[i, :] = table[ids[i], :]: table (vocab, dim), ids from the host, out (n, dim). The backward
 * scatter-adds into a dense (vocab, dim) gradient (Backend.embeddingBackward: deterministic, repeated ids summed in
 * position order). Saves the ids only.
 */
final class EmbeddingFn implements Function {
    private final Tensor table;
    private final int[] ids;

    private EmbeddingFn(Tensor table, int[] ids) { this.table = table; this.ids = ids; }

    static Tensor apply(Tensor table, int[] ids) {
        if (table.rank() != 2) throw new IllegalArgumentException("embedding: table must be (vocab, dim), got " + table);
        int vocab = table.dim(0), dim = table.dim(1);
        Tensor out = Tensor.zeros(table.backend(), ids.length, dim);
        table.backend().embeddingForward(table.buffer(), ids, out.buffer(), ids.length, vocab, dim);
        return Tape.record(new EmbeddingFn(table, ids.clone()), out, table);
    }

    @Override public Tensor[] backward(Tensor dOut) {
        Tensor dTable = table.zerosLike();
        table.backend().embeddingBackward(ids, dOut.buffer(), dTable.buffer(), ids.length, table.dim(0), table.dim(1));
        return new Tensor[] {dTable};
    }
}
