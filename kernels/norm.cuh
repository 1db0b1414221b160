// kernels/norm.cuh — layer normalisation of one row, forward and input gradient, float32 in and out, double inside.
// Included by kernels/loss.cu (one GPU thread per row) and native/cpu_loss.cpp (rows in parallel).
// Semantics: Backend.layerNorm / layerNormBackward javadoc. Java twin: ReferenceBackend.layerNorm /
// layerNormBackward (written independently). Tested by: CoreParityCases.layerNormForwardAndBackward (run by
// CpuParityTest and CudaEmulatedParityTest), ReferenceGradCheckTest (the equations, float64).
//
// With xhat = (x − μ)·rstd, μ the row mean, σ² the biased row variance and rstd = 1/√(σ² + eps):
//   y = xhat·γ + β,
//   dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)),  dxhat = dy·γ   (means over the row's cols),
//   dγ = Σ_rows dy·xhat, dβ = Σ_rows dy   (column sums: the caller's loop, over hhnn_layer_norm_xhat).
// Sums in double: the two-pass variance never cancels catastrophically, and a row's sums round once when stored.
#pragma once
#include <math.h>
#include "common.cuh"

// xhat of one element, in double, given the row's stored mean and rstd.
HHNN_HD inline double hhnn_layer_norm_xhat(float x, double mean, double rstd) { return (x - mean) * rstd; }

// One row: y (cols) and the row's *mean and *rstd (both stored, for the backward).   x, y (cols); gamma, beta (cols)
HHNN_HD inline void hhnn_layer_norm_row(const float* x, const float* gamma, const float* beta, float* y, int cols,
                                        float eps, float* mean, float* rstd) {
    double mu = 0.0;
    HHNN_HOST_SIMD(reduction(+ : mu))
    for (int j = 0; j < cols; j++) mu += x[j];
    mu /= cols;
    double var = 0.0;
    HHNN_HOST_SIMD(reduction(+ : var))
    for (int j = 0; j < cols; j++) {
        double c = x[j] - mu;
        var += c * c;
    }
    var /= cols;
    double rs = 1.0 / sqrt(var + (double)eps);
    HHNN_HOST_SIMD()
    for (int j = 0; j < cols; j++) y[j] = (float)(hhnn_layer_norm_xhat(x[j], mu, rs) * gamma[j] + beta[j]);
    *mean = (float)mu;
    *rstd = (float)rs;
}

// One row's dx from its stored mean and rstd.   x, dy, dx (cols), dx may be dy; gamma (cols)
HHNN_HD inline void hhnn_layer_norm_dx_row(const float* x, const float* dy, const float* gamma, float mean, float rstd,
                                           float* dx, int cols) {
    double mu = mean, rs = rstd;
    double mDx = 0.0, mDxX = 0.0;
    HHNN_HOST_SIMD(reduction(+ : mDx, mDxX))
    for (int j = 0; j < cols; j++) {
        double dxh = (double)dy[j] * gamma[j];
        mDx += dxh;
        mDxX += dxh * hhnn_layer_norm_xhat(x[j], mu, rs);
    }
    mDx /= cols;
    mDxX /= cols;
    HHNN_HOST_SIMD()
    for (int j = 0; j < cols; j++) {
        double dxh = (double)dy[j] * gamma[j];
        dx[j] = (float)(rs * (dxh - mDx - hhnn_layer_norm_xhat(x[j], mu, rs) * mDxX));
    }
}
