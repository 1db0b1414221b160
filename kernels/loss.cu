// kernels/loss.cu — losses and regularisation of the cuda backend: softmax cross-entropy (+ backward, + both fused), inverted
// dropout, layer norm (+ backward: dx per row, dgamma/dbeta per column).
// Semantics: Backend javadoc (ReferenceBackend the spec); softmax's math: kernels/softmax.cuh; layer norm's:
// kernels/norm.cuh; dropout's generator: kernels/random.cuh (bit-identical to org.hhnn.backend.DropoutRng).
// Twins: native/cpu_loss.cpp, ReferenceBackend, CudaBackend (the launches).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free: row-wise work (softmax, layer norm) is one thread per row, in double like native/; column sums
// (dgamma, dbeta) one thread per column with rows in order, so every result is deterministic.
#include "emu_shim.h"
#include "norm.cuh"
#include "random.cuh"
#include "softmax.cuh"

// ---- softmax cross-entropy ----------------------------------------------------------------------------------------

// probs[r, :] = softmax(logits[r, :]); loss[r] = logsumexp(logits[r, :]) - logits[r, labels[r]].
// logits, probs (rows, cols); labels (rows) ints in [0, cols) (checked by CudaBackend before the launch); loss (rows)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_softmax_xent_f32(const float* logits, const int* labels, float* probs, float* loss, int rows, int cols) {
    HHNN_GRID_STRIDE(r, rows) {
        loss[r] = hhnn_softmax_xent_row(logits + r * (long)cols, probs + r * (long)cols, cols, labels[r]);
    }
}
HHNN_REGISTER(hhnn_softmax_xent_f32)

// dlogits[r, c] = scale (probs[r, c] - [c == labels[r]]).   probs, dlogits (rows, cols); labels (rows)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_softmax_xent_backward_f32(const float* probs, const int* labels, float scale, float* dlogits, int rows, int cols) {
    HHNN_GRID_STRIDE(i, (long)rows * cols) {
        long r = i / cols, c = i - r * cols;
        dlogits[i] = (float)((double)scale * ((double)probs[i] - (c == labels[r] ? 1.0 : 0.0)));
    }
}
HHNN_REGISTER(hhnn_softmax_xent_backward_f32)

// Forward and backward fused, one thread per row, probabilities never stored: loss[r] as above and
// dlogits[r, c] = scale (softmax(logits[r, :])[c] - [c == labels[r]]). dlogits may alias logits (each row reads its
// logits before the last loop overwrites them in order).   logits, dlogits (rows, cols); labels, loss (rows)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_softmax_xent_grad_f32(const float* logits, const int* labels, float scale, float* loss, float* dlogits, int rows,
                           int cols) {
    HHNN_GRID_STRIDE(r, rows) {
        loss[r] = hhnn_softmax_xent_grad_row(logits + r * (long)cols, dlogits + r * (long)cols, cols, labels[r], scale);
    }
}
HHNN_REGISTER(hhnn_softmax_xent_grad_f32)

// ---- dropout ------------------------------------------------------------------------------------------------------

// mask[i] = uniform(seed, i) >= p ? keep : 0 with keep = (float)(1/(1-p)) rounded once by the caller; y = x mask.
// x, mask, y (n)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_dropout_f32(const float* x, float* mask, float* y, float p, float keep, unsigned long long seed, long n) {
    HHNN_GRID_STRIDE(i, n) {
        float m = hhnn_uniform(seed, (uint64_t)i) >= p ? keep : 0.f;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}
HHNN_REGISTER(hhnn_dropout_f32)

// ---- layer norm ---------------------------------------------------------------------------------------------------

// Per row (hhnn_layer_norm_row): y = (x - mean) rstd gamma + beta, the row's mean and rstd stored.
// x, y (rows, cols); gamma, beta (cols); mean, rstd (rows)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_layer_norm_f32(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                    int rows, int cols, float eps) {
    HHNN_GRID_STRIDE(r, rows)
        hhnn_layer_norm_row(x + r * (long)cols, gamma, beta, y + r * (long)cols, cols, eps, mean + r, rstd + r);
}
HHNN_REGISTER(hhnn_layer_norm_f32)

// dx per row (hhnn_layer_norm_dx_row). One thread per row.   x, dy, dx (rows, cols); gamma (cols); mean, rstd (rows)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_layer_norm_backward_f32(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                             float* dx, int rows, int cols) {
    HHNN_GRID_STRIDE(r, rows) {
        long o = r * (long)cols;
        hhnn_layer_norm_dx_row(x + o, dy + o, gamma, mean[r], rstd[r], dx + o, cols);
    }
}
HHNN_REGISTER(hhnn_layer_norm_backward_f32)

// dgamma[c] += sum_r dy[r, c] xhat[r, c], dbeta[c] += sum_r dy[r, c], rows in order, in double. One thread per column.
// x, dy (rows, cols); mean, rstd (rows); dgamma, dbeta (cols), accumulated
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_layer_norm_param_grads_f32(const float* x, const float* mean, const float* rstd, const float* dy,
                                float* dgamma, float* dbeta, int rows, int cols) {
    HHNN_GRID_STRIDE(c, cols) {
        double dg = 0.0, db = 0.0;
        for (int r = 0; r < rows; r++) {
            long i = (long)r * cols + c;
            dg += dy[i] * hhnn_layer_norm_xhat(x[i], mean[r], rstd[r]);
            db += dy[i];
        }
        dgamma[c] = (float)(dgamma[c] + dg);
        dbeta[c] = (float)(dbeta[c] + db);
    }
}
HHNN_REGISTER(hhnn_layer_norm_param_grads_f32)
