// kernels/conv.cuh — the index math of the 2-d window primitives (im2col / col2im, max and average pooling), shared by
// the kernels in conv.cu and the cpu loops in native/cpu_conv.cpp: the geometry, and which outputs' windows cover an
// input position (what a gather-style backward sums over).
// Semantics: Backend.im2col … avgPoolBackward javadoc; geometry = org.hhnn.backend.ConvGeom (its pack() order).
// Java twin (independent): org.hhnn.backend.ReferenceConv. Tested by: ConvParityTest, CudaConvParityTest.
#pragma once
#include "common.cuh"

// NCHW input (B, C, H, W), a KH x KW window moved by stride S, zero padding P; output (OH, OW) per plane.
struct ConvGeom {
    int B, C, H, W, KH, KW, S, P, OH, OW;
};

// The input row (or column) that output o reads at kernel offset k: o·S − P + k (may be padding: < 0 or ≥ size).
HHNN_HD inline int hhnn_conv_src(int o, int k, int S, int P) { return o * S - P + k; }

// The outputs [*lo, *hi) along one axis whose window covers input i: o·S − P ≤ i ≤ o·S − P + K − 1, 0 ≤ o < O.
HHNN_HD inline void hhnn_window_range(int i, int K, int S, int P, int O, int* lo, int* hi) {
    int a = i + P - K + 1;                   // o·S ≥ a
    int l = a <= 0 ? 0 : (a + S - 1) / S;
    int h = (i + P) / S + 1;                 // o·S ≤ i + P (≥ 0)
    *lo = l;
    *hi = h < O ? h : O;
}
