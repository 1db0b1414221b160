package org.hhnn.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.ReferenceBackend;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TapeTest {
    final ReferenceBackend be = ReferenceBackend.get();

    @Test void gradientsAccumulateAcrossUsesAndBackwardCalls() {
        Tensor x = Tensor.persistentOf(be, new float[] {1, 2, 3}, 3).setRequiresGrad(true);
        try (Scope s = Scope.open()) {
            // y = sum(x*x + x) -> dy/dx = 2x + 1
            Tape.backward(Ops.sum(Ops.add(Ops.mul(x, x), x)));
        }
        assertArrayEquals(new float[] {3, 5, 7}, x.grad().toArray());
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.sum(x)); // += 1
        }
        assertArrayEquals(new float[] {4, 6, 8}, x.grad().toArray());
        assertEquals(0, Tape.size(), "the tape is cleared after backward");
    }

    @Test void noGradRecordsNothing() {
        Tensor x = Tensor.persistentOf(be, new float[] {1, 2}, 2).setRequiresGrad(true);
        try (Scope s = Scope.open(); GradMode g = GradMode.noGrad()) {
            Tensor y = Ops.mul(x, x);
            assertFalse(y.requiresGrad());
            assertEquals(0, Tape.size());
        }
        assertTrue(GradMode.isEnabled(), "grad mode restored after the scope");
    }

    @Test void longChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.persistentOf(be, new float[] {0.5f}, 1).setRequiresGrad(true);
        try (Scope s = Scope.open()) {
            Tensor y = x;
            for (int i = 0; i < 20_000; i++) y = Ops.scale(y, 1.0f);
            Tape.backward(Ops.sum(y));
        }
        assertArrayEquals(new float[] {1f}, x.grad().toArray());
    }

    @Test void scopeFreesTemporariesButNotParameters() {
        Tensor w = Tensor.persistentOf(be, new float[] {1, 2}, 2);
        Tensor tmp;
        try (Scope s = Scope.open()) {
            tmp = Ops.scale(w, 2f);
            assertFalse(tmp.isFreed());
        }
        assertTrue(tmp.isFreed());
        assertFalse(w.isFreed());
        IllegalStateException e = assertThrows(IllegalStateException.class, tmp::toArray);
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
    }

    @Test void keptTensorOutlivesItsScope() {
        Tensor kept;
        try (Scope s = Scope.open()) {
            kept = s.keep(Tensor.of(be, new float[] {4}, 1));
        }
        assertEquals(4f, kept.item());
    }

    @Test void leavesWithoutGradRequirementGetNone() {
        Tensor a = Tensor.persistentOf(be, new float[] {1, 2}, 2).setRequiresGrad(true);
        Tensor b = Tensor.persistentOf(be, new float[] {3, 4}, 2);
        try (Scope s = Scope.open()) {
            Tape.backward(Ops.sum(Ops.mul(a, b)));
        }
        assertArrayEquals(new float[] {3, 4}, a.grad().toArray());
        assertNull(b.grad());
    }

    @Test void shapeErrorsNameTheShapes() {
        Tensor a = Tensor.persistentOf(be, new float[6], 2, 3);
        Tensor w = Tensor.persistentOf(be, new float[8], 2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.linear(a, w, null));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }
}
