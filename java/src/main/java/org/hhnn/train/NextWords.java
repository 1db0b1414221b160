package org.hhnn.train;

import java.util.Comparator;
import java.util.stream.IntStream;
import org.hhnn.autograd.GradMode;
import org.hhnn.nn.AwdLstm;
import org.hhnn.tensor.Scope;

/** A language model's next word after each input sentence: the k most probable words, in eval mode, without a tape. */
public final class NextWords {
    private NextWords() {}

    /** The k most probable next words (ids, most probable first, ties by id) and their probabilities. */
    public record Guess(int[] ids, float[] p) {}

    /** One guess per id sequence, each run from zero state as one sequence of batch 1. */
    public static Guess[] topK(AwdLstm model, int[][] sequences, int k) {
        int n = Math.min(k, model.vocab);
        Guess[] out = new Guess[sequences.length];
        boolean was = model.isTraining();
        model.train(false);
        try (GradMode g = GradMode.noGrad()) {
            for (int s = 0; s < sequences.length; s++) {
                int[] ids = sequences[s];
                float[] p;
                try (Scope sc = Scope.open()) {
                    float[] z = model.run(ids, ids.length, null, null).logits().toArray();
                    p = Predictor.softmax(z, (ids.length - 1) * model.vocab, model.vocab);
                }
                int[] top = IntStream.range(0, p.length).boxed()
                        .sorted(Comparator.<Integer>comparingDouble(j -> -p[j]).thenComparingInt(j -> j))
                        .limit(n).mapToInt(Integer::intValue).toArray();
                float[] tp = new float[n];
                for (int j = 0; j < n; j++) tp[j] = p[top[j]];
                out[s] = new Guess(top, tp);
            }
        } finally {
            model.train(was);
        }
        return out;
    }
}
