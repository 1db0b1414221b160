package org.hhnn.workload;

import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.nn.Network;
import org.hhnn.optim.Optimizer;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;

/**
 * The body shared by the training-step workloads (W3, W4): cycles through a fixed pool of batches, one
 * forward + cross-entropy + backward + optimizer update per batch, temporaries freed per step.
 */
final class TrainingSteps {
    private final Network net;
    private final Optimizer opt;
    private final Tensor[] xs;
    private final int[][] ys;
    private final int stepsPerRun;
    private int next;

    TrainingSteps(Network net, Optimizer opt, Tensor[] xs, int[][] ys, int stepsPerRun) {
        this.net = net;
        this.opt = opt;
        this.xs = xs;
        this.ys = ys;
        this.stepsPerRun = stepsPerRun;
    }

    void run() {
        for (int s = 0; s < stepsPerRun; s++) {
            int k = next++ % xs.length;
            try (Scope scope = Scope.open()) {
                Tape.backward(Ops.crossEntropy(net.forward(xs[k]), ys[k]));
            }
            opt.step();
            opt.zeroGrad();
        }
    }

    void close() {
        opt.free();
        net.body.free();
        for (Tensor x : xs) x.free();
    }
}
