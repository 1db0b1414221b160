package org.hhnn.data;

/**
 * A token stream cut into {@code batch} parallel columns for truncated BPTT (DESIGN.md § Language modelling): column b
 * is the b-th contiguous piece of the stream, the tail that does not fill a whole row is dropped (as PyTorch's
 * word_language_model batchify). Stored time-major: {@code ids[t·batch + b]} is column b's t-th token, so a window of
 * steps t0..t0+len−1 is one contiguous run of rows, the layout the LSTM sequence op takes.
 */
public final class TokenColumns {
    public final int[] ids;
    public final int batch, length;

    public TokenColumns(int[] stream, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        this.length = stream.length / batch;
        if (length < 2)
            throw new IllegalArgumentException("a stream of " + stream.length + " tokens is too short for " + batch
                    + " columns of at least 2 tokens (an input and its next-token target)");
        this.batch = batch;
        this.ids = new int[length * batch];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++) ids[t * batch + b] = stream[b * length + t];
    }

    /** Tokens that serve as inputs with a next-token target: (length − 1)·batch. */
    public long predictions() { return (long) (length - 1) * batch; }

    /** Steps t0..t0+len−1 of every column, time-major (len·batch ids). */
    public int[] inputs(int t0, int len) { return java.util.Arrays.copyOfRange(ids, t0 * batch, (t0 + len) * batch); }

    /** Their next tokens: steps t0+1..t0+len. */
    public int[] targets(int t0, int len) { return java.util.Arrays.copyOfRange(ids, (t0 + 1) * batch, (t0 + len + 1) * batch); }

    /** The window length that fits from t0 (at most want): the last window ends with the last column's last token. */
    public int fit(int t0, int want) { return Math.min(want, length - 1 - t0); }
}
