package org.hhnn.nn;

import java.util.Random;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.optim.Optimizer;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/** The training loop of the "learns a generated sequence task" tests (HhSequenceTest, LstmModelsTest). */
final class SequenceTraining {
    private SequenceTraining() {}

    /** Fills labels (b) and returns the right-padded token rows (b x maxLen) of one generated batch. */
    interface Batches { float[] next(Random r, int[] labels); }

    /** Runs steps of cross-entropy training; returns {mean loss of the first 10 steps, mean loss of the last 10}. */
    static double[] firstAndLastLoss(Network n, Backend be, Optimizer opt, int steps, int b, int maxLen, Random r,
                                     Batches batches) {
        double first = 0, last = 0;
        for (int it = 0; it < steps; it++) {
            int[] y = new int[b];
            float[] x = batches.next(r, y);
            try (Scope s = Scope.open()) {
                Tensor loss = Ops.crossEntropy(n.forward(Tensor.of(be, x, b, maxLen)), y);
                float l = loss.item();
                if (it < 10) first += l / 10;
                if (it >= steps - 10) last += l / 10;
                Tape.backward(loss);
            }
            opt.step();
            opt.zeroGrad();
        }
        return new double[] {first, last};
    }
}
