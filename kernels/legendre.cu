// kernels/legendre.cu — Legendre activations on the GPU: per-neuron forward/backward (+ the coefficient gradient),
// the dense ("KAN") basis expansion and its backward, and the per-neuron readout of a basis (the HH layer's
// y = Σ_k basisSum_k A_k) with its two gradients.
// Math: kernels/legendre.cuh (recurrences for P_k and P_k'); contract: Backend.legendre* / neuronReadout* javadoc.
// Twins: native/cpu_legendre.cpp, org.hhnn.backend.ReferenceLegendre, CudaBackend (validation, launches).
// Tested by: CudaLegendreParityTest (the cases of LegendreParityCases: forwardMatchesReference,
// basisAndItsBackwardMatchReference, neuronReadoutAndItsBackwardMatchReference, ...)
// (mvn -B -o test -pl java -Dtest='CudaLegendre*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free, one thread per output element, P_k stepped in registers one k at a time (the degree has no upper
// bound here, so nothing is an array). Sums over rows (the coefficient gradients) are one thread per output
// (j, k) with rows in order in double, recomputing P_k(x) by its recurrence: deterministic, no atomics, k² work
// per element instead of k (cheap next to the memory traffic for the degrees in use). Outputs indexed (.., k) with
// k fastest give consecutive threads consecutive addresses (coalesced stores).
#include "emu_shim.h"
#include "legendre.cuh"

// ---- math ---------------------------------------------------------------------------------------------------------

// P_k(x) for x already clamped, by the recurrence from P_0 = 1, P_1 = x.
HHNN_DEV float hhnn_legendre_p(int k, float x) {
    if (k == 0) return 1.f;
    float pk = x, pkm1 = 1.f;
    for (int q = 1; q < k; q++) {
        float pn = legendre_next(legendre_a(q), legendre_b(q), x, pk, pkm1);
        pkm1 = pk;
        pk = pn;
    }
    return pk;
}

// ---- per-neuron activation ----------------------------------------------------------------------------------------

// y[r, j] = Σ_k coeffs[j, k] P_k(clamp x[r, j]).   x, y (rows, cols); coeffs (cols, D+1)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_legendre_forward_f32(const float* x, const float* coeffs, float* y, int rows, int cols, int degree) {
    const long K = degree + 1;
    HHNN_GRID_STRIDE(i, (long)rows * cols) {
        const float* c = coeffs + (i % cols) * K;
        float xv = legendre_clamp(x[i]), pk = xv, pkm1 = 1.f, s = c[0];
        for (int k = 1; k <= degree; k++) {   // at entry pk = P_k
            s += c[k] * pk;
            float pn = legendre_next(legendre_a(k), legendre_b(k), xv, pk, pkm1);
            pkm1 = pk;
            pk = pn;
        }
        y[i] = s;
    }
}
HHNN_REGISTER(hhnn_legendre_forward_f32)

// dx[r, j] = dy[r, j] Σ_k coeffs[j, k] P_k'(x[r, j]), 0 where |x| > 1.   x, dy, dx (rows, cols); coeffs (cols, D+1)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_legendre_backward_f32(const float* x, const float* coeffs, const float* dy, float* dx, int rows, int cols,
                           int degree) {
    const long K = degree + 1;
    HHNN_GRID_STRIDE(i, (long)rows * cols) {
        float s = legendre_slope(coeffs + (i % cols) * K, degree, legendre_clamp(x[i]));
        dx[i] = legendre_inside(x[i]) ? dy[i] * s : 0.f;
    }
}
HHNN_REGISTER(hhnn_legendre_backward_f32)

// dCoeffs[j, k] += Σ_r dy[r, j] P_k(clamp x[r, j]), rows in order, in double. One thread per (j, k).
// x, dy (rows, cols); dCoeffs (cols, D+1), accumulated
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_legendre_coeff_grad_f32(const float* x, const float* dy, float* dCoeffs, int rows, int cols, int degree) {
    const long K = degree + 1;
    HHNN_GRID_STRIDE(t, (long)cols * K) {
        long j = t / K;
        int k = (int)(t - j * K);
        double s = 0.0;
        for (int r = 0; r < rows; r++) {
            long i = (long)r * cols + j;
            s += (double)dy[i] * hhnn_legendre_p(k, legendre_clamp(x[i]));
        }
        dCoeffs[t] = (float)(dCoeffs[t] + s);
    }
}
HHNN_REGISTER(hhnn_legendre_coeff_grad_f32)

// ---- dense ("KAN") basis --------------------------------------------------------------------------------------------

// basis[i, k] = P_k(clamp x[i]) for i in [0, n), k in [0, D]. One thread per output.   x (n); basis (n, D+1)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_legendre_basis_f32(const float* x, float* basis, long n, int degree) {
    const long K = degree + 1;
    HHNN_GRID_STRIDE(t, n * K) {
        long i = t / K;
        basis[t] = hhnn_legendre_p((int)(t - i * K), legendre_clamp(x[i]));
    }
}
HHNN_REGISTER(hhnn_legendre_basis_f32)

// dx[i] = Σ_k dBasis[i, k] P_k'(x[i]), 0 where |x| > 1.   x, dx (n); dBasis (n, D+1)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_legendre_basis_backward_f32(const float* x, const float* dBasis, float* dx, long n, int degree) {
    const long K = degree + 1;
    HHNN_GRID_STRIDE(i, n) {
        float s = legendre_slope(dBasis + i * K, degree, legendre_clamp(x[i]));
        dx[i] = legendre_inside(x[i]) ? s : 0.f;
    }
}
HHNN_REGISTER(hhnn_legendre_basis_backward_f32)

// ---- per-neuron readout of a basis ----------------------------------------------------------------------------------

// y[b, j] = Σ_k basis[b, j, k] coeffs[j, k], in double.   basis (B, M, K); coeffs (M, K); y (B, M). One thread per (b, j).
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_neuron_readout_f32(const float* basis, const float* coeffs, float* y, int batch, int neurons, int k) {
    HHNN_GRID_STRIDE(i, (long)batch * neurons) {
        const float* br = basis + i * k;
        const float* cr = coeffs + (i % neurons) * k;
        double s = 0.0;
        for (int q = 0; q < k; q++) s += (double)br[q] * cr[q];
        y[i] = (float)s;
    }
}
HHNN_REGISTER(hhnn_neuron_readout_f32)

// dBasis[b, j, q] = dy[b, j] coeffs[j, q]. One thread per output.   coeffs (M, K); dy (B, M); dBasis (B, M, K)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_neuron_readout_dbasis_f32(const float* coeffs, const float* dy, float* dBasis, int batch, int neurons, int k) {
    HHNN_GRID_STRIDE(t, (long)batch * neurons * k) {
        long i = t / k;   // (b, j)
        dBasis[t] = dy[i] * coeffs[(i % neurons) * k + (t - i * k)];
    }
}
HHNN_REGISTER(hhnn_neuron_readout_dbasis_f32)

// dCoeffs[j, q] += Σ_b dy[b, j] basis[b, j, q], b in order, in double. One thread per (j, q).
// basis (B, M, K); dy (B, M); dCoeffs (M, K), accumulated
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_neuron_readout_dcoeffs_f32(const float* basis, const float* dy, float* dCoeffs, int batch, int neurons, int k) {
    HHNN_GRID_STRIDE(t, (long)neurons * k) {
        long j = t / k;
        double s = 0.0;
        for (int b = 0; b < batch; b++) {
            long i = (long)b * neurons + j;
            s += (double)dy[i] * basis[i * k + (t - j * k)];
        }
        dCoeffs[t] = (float)(dCoeffs[t] + s);
    }
}
HHNN_REGISTER(hhnn_neuron_readout_dcoeffs_f32)
