// kernels/modact.cuh — the modulated activation o = act(s·v), s = σ_m(u), and its gradients, per element, float32
// (DESIGN.md § "Modulated activations: the exact models"; paper §2). act and σ_m are HHNN_UNARY_* codes limited to
// identity, relu, sigmoid, tanh, tanhshrink (org.hhnn.backend.ModulatedArgs checks it before any call).
// Included by: kernels/modact.cu (GPU + emulator), native/cpu_modact.cpp. Java twin: ReferenceModulated.modAct*.
// Tested by: ModulatedParityTest, CudaModulatedParityTest
// (mvn -B -o test -pl java -Dtest='*ModulatedParityTest' -Dsurefire.failIfNoSpecifiedTests=false).
#pragma once
#include "activations.cuh"

// o = act(s·v) for a modulation s = σ_m(u) already computed (once per (outer, inner), shared by the channels).
HHNN_HD inline float hhnn_modact(int act, float s, float v) { return hhnn_unary(act, s * v); }

// g = dout·act'(s·v): the gradient at the modulated pre-activation z = s·v. Then dv = g·s, and g·v summed over the
// channels times σ_m'(u) is du. act' needs y = act(z) for sigmoid and tanh, so it is recomputed (nothing saved).
HHNN_HD inline float hhnn_modact_dz(int act, float s, float v, float dout) {
    float z = s * v;
    return dout * hhnn_unary_grad(act, z, hhnn_unary(act, z));
}
