package org.hhnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.SplittableRandom;
import org.hhnn.autograd.GradMode;
import org.hhnn.autograd.Ops;
import org.hhnn.backend.Backend;
import org.hhnn.backend.LstmCell;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.UnaryOp;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Stacked LSTM layers ({@code layers=N}, a general option of the LSTM module and of the classifiers): the stack equals
 * its layers run one after the other (each reading every step of the one below), parameter names and counts per layer,
 * and {@code --set layers=2} on a classifier.
 * Run: mvn -B -o test -pl java -Dtest=LstmLayersTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class LstmLayersTest {
    @Test void stackIsItsLayersInSequence() {
        Backend be = ReferenceBackend.get();
        for (LstmCell cell : LstmCell.values()) {
            LSTM stack = new LSTM(be, 3, 4, 3, cell, UnaryOp.SIGMOID, new SplittableRandom(5));
            int steps = 5, batch = 2;
            float[] x = new float[steps * batch * 3];
            SplittableRandom r = new SplittableRandom(9);
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
            try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
                Tensor xt = Tensor.of(be, x, steps * batch, 3);
                Tensor got = stack.run(xt, null, steps);
                Tensor in = xt, last = null;
                for (int l = 0; l < 3; l++) {
                    Tensor[] o = Ops.lstmLayer(cell, stack.modAct, Ops.linear(in, stack.weightIh(l), stack.bias(l)), stack.weightHh(l), null, null, null, steps);
                    in = o[0];
                    last = o[1];
                }
                assertArrayEquals(last.toArray(), got.toArray(), cell + ": the stack's h_T");
                // h_T is also the last step's rows of every-step output
                assertArrayEquals(last.toArray(), Ops.narrowRows(in, (steps - 1) * batch, batch).toArray());
            }
            Map<String, Tensor> p = stack.namedParameters();
            assertTrue(p.containsKey("weight_ih") && p.containsKey("weight_hh_l1") && p.containsKey("bias_l2"), p.keySet().toString());
            assertEquals(LSTM.cellParameters(cell, 3, 4) + 2 * LSTM.cellParameters(cell, 4, 4), stack.parameterCount());
        }
    }

    @Test void classifierTakesLayersSetting() {
        JsonObject c = Models.defaults("lstm-mod", 7, 3);
        c.addProperty("vocab", 11);
        Models.applyOverrides(c, Map.of("layers", "2"));
        Network n = Models.build(c, ReferenceBackend.get(), 1);
        LstmClassifier clf = (LstmClassifier) n.body;
        assertEquals(2, clf.lstm.layers);
        float[] ids = {1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10};
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            Tensor logits = n.forward(Tensor.of(ReferenceBackend.get(), ids, 2, 7));
            assertArrayEquals(new int[] {2, 3}, logits.shape());
            for (float v : logits.toArray()) assertTrue(Float.isFinite(v));
        }
    }
}
