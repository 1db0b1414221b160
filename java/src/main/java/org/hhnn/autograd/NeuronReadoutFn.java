package org.hhnn.autograd;

import org.hhnn.tensor.Tensor;

/** Per-neuron contraction y[b, j] = Σ_k basis[b, j, k] · A[j, k]: basis (B, M, K), A (M, K) → (B, M). */
final class NeuronReadoutFn implements Function {
    private final Tensor basis, coeffs;

    private NeuronReadoutFn(Tensor basis, Tensor coeffs) { this.basis = basis; this.coeffs = coeffs; }

    static Tensor apply(Tensor basis, Tensor coeffs) {
        if (basis.rank() != 3 || coeffs.rank() != 2 || basis.dim(1) != coeffs.dim(0) || basis.dim(2) != coeffs.dim(1))
            throw new IllegalArgumentException("neuron readout: basis " + basis + " (B, M, K) does not match coefficients " + coeffs + " (M, K)");
        int b = basis.dim(0), m = basis.dim(1), k = basis.dim(2);
        Tensor y = Tensor.empty(basis.backend(), b, m);
        basis.backend().neuronReadout(basis.buffer(), coeffs.buffer(), y.buffer(), b, m, k);
        return Tape.record(new NeuronReadoutFn(basis, coeffs), y, basis, coeffs);
    }

    @Override public Tensor[] backward(Tensor dy) {
        int b = basis.dim(0), m = basis.dim(1), k = basis.dim(2);
        Tensor dBasis = basis.requiresGrad() ? basis.emptyLike() : null;
        Tensor dA = coeffs.requiresGrad() ? coeffs.zerosLike() : null;
        basis.backend().neuronReadoutBackward(basis.buffer(), coeffs.buffer(), dy.buffer(),
                dBasis == null ? null : dBasis.buffer(), dA == null ? null : dA.buffer(), b, m, k);
        return new Tensor[] {dBasis, dA};
    }
}
