// kernels/softmax.cuh — softmax cross-entropy of one row, float32 in and out, the sum of exponentials in double:
// forward (probabilities stored) and forward fused with the gradient (probabilities never stored).
// Included by kernels/loss.cu (one GPU thread per row) and native/cpu_loss.cpp (rows in parallel).
// Semantics: Backend.softmaxCrossEntropy / softmaxCrossEntropyGrad javadoc. Java twin: ReferenceBackend (written
// independently). Tested by: CoreParityCases (run by CpuParityTest and CudaEmulatedParityTest).
//
// e_j = exp(l_j − max) ≤ 1, so z = Σ e_j cannot overflow; loss = max + log z − l[label].
#pragma once
#include <math.h>
#include "common.cuh"

// max_j l_j; a NaN logit still poisons the sum of exponentials that follows.
HHNN_HD inline float hhnn_row_max(const float* l, int cols) {
    float mx = -INFINITY;
    for (int j = 0; j < cols; j++) mx = l[j] > mx ? l[j] : mx;
    return mx;
}

// p = softmax(l) (p_j = e_j / z: one exp per element); returns the loss, NaN for a label outside [0, cols).
HHNN_HD inline float hhnn_softmax_xent_row(const float* l, float* p, int cols, int label) {
    float mx = hhnn_row_max(l, cols);
    double z = 0.0;
    HHNN_HOST_SIMD(reduction(+ : z))
    for (int j = 0; j < cols; j++) {
        float e = expf(l[j] - mx);
        p[j] = e;
        z += e;
    }
    double inv = 1.0 / z;
    HHNN_HOST_SIMD()
    for (int j = 0; j < cols; j++) p[j] = (float)(p[j] * inv);
    return label >= 0 && label < cols ? (float)((double)mx + log(z) - l[label]) : NAN;
}

// d = scale·(softmax(l) − onehot(label)) for a label in [0, cols); returns the loss. d may alias l: l is read (max,
// z and the loss) before the last loop overwrites it in order.
HHNN_HD inline float hhnn_softmax_xent_grad_row(const float* l, float* d, int cols, int label, float scale) {
    float mx = hhnn_row_max(l, cols);
    double z = 0.0;
    HHNN_HOST_SIMD(reduction(+ : z))
    for (int j = 0; j < cols; j++) z += expf(l[j] - mx);
    float loss = (float)((double)mx + log(z) - l[label]);
    float s = (float)((double)scale / z);   // scale·p_j = e_j·(scale / z), one multiply per element
    HHNN_HOST_SIMD()
    for (int j = 0; j < cols; j++) d[j] = expf(l[j] - mx) * s;
    d[label] = (float)((double)d[label] - (double)scale);
    return loss;
}
