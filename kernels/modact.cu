// kernels/modact.cu — the modulated activation o = act(σ_m(u)·v) on the GPU, forward and backward (gradients to v and
// to u), with v viewed as (outer, channels, inner) and u as (outer, inner): dense layer-wide (inner = 1), conv per
// position (NCHW, inner = H·W) and per node (channels = 1) alike.
// Math: kernels/modact.cuh; contract: Backend.modActForward / modActBackward javadoc. Twins: native/cpu_modact.cpp,
// org.hhnn.backend.ReferenceModulated, CheckedBackend (validation), CudaBackend (launches).
// Tested by: CudaModulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free: one thread per element of v for out and dv (σ_m(u) recomputed per element: one extra exp against a
// memory-bound loop); du, a sum over channels, is one thread per (o, i) looping the channels in order in double
// (deterministic, no atomics; consecutive threads read consecutive i, so conv layouts stay coalesced).
#include "emu_shim.h"
#include "modact.cuh"

// ---- kernels ------------------------------------------------------------------------------------------------------

// out[o, c, i] = act(σ_m(u[o, i])·v[o, c, i]).   v, out (outer, channels, inner); u (outer, inner)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_modact_forward_f32(int act, int mod, const float* v, const float* u, float* out, int outer, int channels, int inner) {
    const long ci = (long)channels * inner;
    HHNN_GRID_STRIDE(e, (long)outer * ci) {
        long ui = (e / ci) * inner + e % inner;
        out[e] = hhnn_modact(act, hhnn_unary(mod, u[ui]), v[e]);
    }
}
HHNN_REGISTER(hhnn_modact_forward_f32)

// dv[o, c, i] = dout·act'(s·v)·s with s = σ_m(u[o, i]).   v, dout, dv (outer, channels, inner); u (outer, inner)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_modact_backward_dv_f32(int act, int mod, const float* v, const float* u, const float* dout, float* dv, int outer,
                            int channels, int inner) {
    const long ci = (long)channels * inner;
    HHNN_GRID_STRIDE(e, (long)outer * ci) {
        float s = hhnn_unary(mod, u[(e / ci) * inner + e % inner]);
        dv[e] = hhnn_modact_dz(act, s, v[e], dout[e]) * s;
    }
}
HHNN_REGISTER(hhnn_modact_backward_dv_f32)

// du[o, i] = σ_m'(u[o, i])·Σ_c dout·act'(s·v)·v, channels in order, in double. One thread per (o, i).
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_modact_backward_du_f32(int act, int mod, const float* v, const float* u, const float* dout, float* du, int outer,
                            int channels, int inner) {
    HHNN_GRID_STRIDE(t, (long)outer * inner) {
        long o = t / inner, i = t - o * inner;
        float uu = u[t], s = hhnn_unary(mod, uu);
        double acc = 0.0;
        for (int c = 0; c < channels; c++) {
            long e = (o * channels + c) * inner + i;
            acc += (double)(hhnn_modact_dz(act, s, v[e], dout[e]) * v[e]);
        }
        du[t] = (float)(acc * (double)hhnn_unary_grad(mod, uu, s));
    }
}
HHNN_REGISTER(hhnn_modact_backward_du_f32)
