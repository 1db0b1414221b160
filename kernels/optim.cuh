// kernels/optim.cuh — one parameter's step of the fused optimisers, SGD (momentum, Nesterov, L2 decay) and Adam /
// AdamW, as PyTorch's torch.optim defines them. Included by kernels/optim.cu (one GPU thread per parameter) and
// native/cpu_optim.cpp (OpenMP chunks, `omp simd` inside).
// Semantics: Backend.sgdUpdate / adamUpdate javadoc. Java twin: ReferenceBackend.sgdUpdate / adamUpdate (written
// independently). Tested by: CoreParityCases.sgdUpdate / adamUpdate (every flag combination, several steps; run by
// CpuParityTest and CudaEmulatedParityTest).
//
// Each element in double in the reference's order of operations; only the stored values (parameter, velocity,
// moments) are rounded to float, so a step differs from the reference by at most the roundings of its stores.
// Element i of each array is touched by i's call alone: no sums, the same bits for any thread count or grid.
#pragma once
#include <math.h>
#include "common.cuh"

// param[i] after one SGD step: g = grad + wd·p; with momentum, v = mom·v + g (stored), step = nesterov ? g + mom·v : v;
// p − lr·step. velocity is read (and written) only when momentum is set: it may be null otherwise.
HHNN_HD inline void hhnn_sgd_step(long i, float* param, const float* grad, float* velocity, double lr, double mom,
                                  double wd, bool momentum, bool nesterov) {
    double g = grad[i] + wd * param[i];
    double step = g;
    if (momentum) {
        float v = (float)(mom * velocity[i] + g);
        velocity[i] = v;
        step = nesterov ? g + mom * v : v;
    }
    param[i] = (float)(param[i] - lr * step);
}

// param[i] after one Adam step: decoupled (AdamW) decays the weight, p −= lr·wd·p, else the gradient, g += wd·p;
// m = b1·m + (1 − b1)·g, v = b2·v + (1 − b2)·g² (both stored); p − lr·(m/bc1)/(√(v/bc2) + eps), with the bias
// corrections bc1 = 1 − b1^step, bc2 = 1 − b2^step computed once per call by the caller (step is 1-based).
HHNN_HD inline void hhnn_adam_step(long i, float* param, const float* grad, float* m, float* v, double lr, double b1,
                                   double b2, double eps, double wd, bool decoupled, double bc1, double bc2) {
    double p = param[i], g = grad[i];
    if (decoupled) p = p - lr * wd * p;
    else g = g + wd * p;
    float mi = (float)(b1 * m[i] + (1 - b1) * g);
    float vi = (float)(b2 * v[i] + (1 - b2) * g * g);
    m[i] = mi;
    v[i] = vi;
    double mh = mi / bc1, vh = vi / bc2;
    param[i] = (float)(p - lr * mh / (sqrt(vh) + eps));
}
