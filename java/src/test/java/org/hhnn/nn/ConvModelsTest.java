package org.hhnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.autograd.Tape;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.data.Dataset;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * The convolutional zoo entries (ConvModels): the parameter counts of BENCHMARKS.md W4 and the paper's Table 1, shapes
 * through the models, batch norm's running statistics, and a short training run of cnn-mod whose loss must fall.
 * Run: mvn -B -o test -pl java -Dtest=ConvModelsTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class ConvModelsTest {
    private static final Backend REF = ReferenceBackend.get();

    private static Network build(String model, int features, JsonObject overrides) {
        JsonObject c = Models.defaults(model, features, 10);
        if (overrides != null) overrides.entrySet().forEach(e -> c.add(e.getKey(), e.getValue()));
        return Models.build(c, REF, 1L);
    }

    @Test void cnnParameterCountsAreW4s() {
        assertEquals(889_834, build("cnn", 784, null).body.parameterCount());
        assertEquals(892_600, build("cnn-mod", 784, null).body.parameterCount());
    }

    @Test void denseNetParameterCountsMatchThePapersTable1() {
        // Table 1 (CIFAR-10, 3 channels): 1.00 M, 1.07 M; lite (growth 10) 0.71 M, 0.77 M, rounded (DenseNet-40 itself
        // counts 1,019,722 here with its batch-norm affine parameters, the "1.0 M" of Huang et al.): ±0.025 M.
        JsonObject lite = new JsonObject();
        lite.addProperty("growth", 10);
        double[][] want = {{1.00, 1.07}, {0.71, 0.77}};
        JsonObject[] cfg = {null, lite};
        for (int i = 0; i < 2; i++) {
            long vanilla = build("densenet", 3 * 32 * 32, cfg[i]).body.parameterCount();
            long mod = build("densenet-mod", 3 * 32 * 32, cfg[i]).body.parameterCount();
            assertEquals(want[i][0], vanilla / 1e6, 0.025, "densenet " + (i == 0 ? "" : "lite ") + vanilla);
            assertEquals(want[i][1], mod / 1e6, 0.025, "densenet-mod " + (i == 0 ? "" : "lite ") + mod);
        }
    }

    @Test void modelsMapImagesToLogitsAndBackward() {
        JsonObject small = new JsonObject();
        small.addProperty("depth", 7);   // one layer per block keeps the reference backend quick
        small.addProperty("growth", 4);
        for (String m : List.of("cnn", "cnn-mod", "densenet", "densenet-mod")) {
            Network net = build(m, 784, m.startsWith("dense") ? small : null);
            float[] x = new float[2 * 784];
            Random r = new Random(3);
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            try (Scope s = Scope.open()) {
                Tensor logits = net.forward(Tensor.of(REF, x, 2, 784));
                assertArrayEquals(new int[] {2, 10}, logits.shape(), m);
                Tape.backward(Ops.crossEntropy(logits, new int[] {1, 7}));
                for (var e : net.body.namedParameters().entrySet())
                    assertTrue(e.getValue().grad() != null, m + ": no gradient reached " + e.getKey());
            }
            net.body.free();
        }
    }

    /** Eval mode reaches every dropout (the dense layers' too): two eval forwards agree bit for bit. */
    @Test void evalModeIsDeterministic() {
        JsonObject small = new JsonObject();
        small.addProperty("depth", 7);
        small.addProperty("growth", 4);
        for (String m : List.of("cnn", "densenet", "densenet-mod")) {
            Network net = build(m, 784, m.startsWith("dense") ? small : null);
            net.body.train(false);
            float[] x = new float[2 * 784];
            Random r = new Random(5);
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            try (GradMode g = GradMode.noGrad(); Scope s = Scope.open()) {
                assertArrayEquals(net.forward(Tensor.of(REF, x, 2, 784)).toArray(), net.forward(Tensor.of(REF, x, 2, 784)).toArray(), m);
            }
            net.body.free();
        }
    }

    @Test void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        BatchNorm2d bn = new BatchNorm2d(REF, 2);
        float[] x = {1, 2, 3, 4, 10, 20, 30, 40};   // (2, 2, 2): channel 0 = {1, 2, 10, 20}, channel 1 = {3, 4, 30, 40}
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            bn.forward(Tensor.of(REF, x, 2, 2, 2));
            assertEquals(0.1f * 8.25f, bn.runningMean().toArray()[0], 1e-6f);
            bn.eval();
            float[] y = bn.forward(Tensor.of(REF, x, 2, 2, 2)).toArray();
            float rv = bn.runningVar().toArray()[0];
            assertEquals((1 - 0.825) / Math.sqrt(rv + 1e-5), y[0], 1e-5);
        }
        bn.free();
    }

    /** A tiny image set with a learnable rule: class = which quadrant holds a bright 6×6 blob. */
    private static Dataset blobs(int n, long seed) {
        Random r = new Random(seed);
        int side = 16;
        float[] x = new float[n * side * side];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int q = r.nextInt(4);
            y[i] = q;
            int oy = (q / 2) * 8 + r.nextInt(3), ox = (q % 2) * 8 + r.nextInt(3);
            for (int p = 0; p < side * side; p++) x[i * side * side + p] = 0.1f * r.nextFloat();
            for (int dy = 0; dy < 6; dy++)
                for (int dx = 0; dx < 6; dx++) x[i * side * side + (oy + dy) * side + ox + dx] += 1f;
        }
        return new Dataset("blobs", x, y, new int[] {1, side, side}, 4, null);
    }

    @Test void cnnModTrainsOnATinyImageSet() {
        Backend be = CpuBackend.isAvailable() ? CpuBackend.get() : REF;
        Dataset train = blobs(256, 7);
        JsonObject c = Models.defaults("cnn-mod", train.features(), 4);
        Network net = Models.build(c, be, 2L);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 3;
        cfg.batchSize = 32;
        cfg.progress = false;
        cfg.lrSteps = new double[0];
        Trainer t = new Trainer(net, be, cfg, System.err);
        var hist = t.fit(train, null);
        double first = hist.get(0).trainLoss(), last = hist.get(hist.size() - 1).trainLoss();
        assertTrue(last < 0.5 * first, "cnn-mod's training loss did not fall: " + first + " -> " + last);
        assertTrue(t.evaluate(blobs(128, 8)).accuracy() > 0.8, "cnn-mod does not generalise on the blob quadrants");
        net.body.free();
    }
}
