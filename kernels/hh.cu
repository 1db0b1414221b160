// kernels/hh.cu — the fused HH window on the GPU: forward (w steps + Legendre readout sums + spike counts per
// neuron, nothing per step written to memory) and backward (recompute the window from its start state, then
// reverse-mode through it), plus the batch sum of the conductance gradients.
// Math: kernels/hh.cuh (rates, step, adjoint step) and kernels/legendre.cuh; equations DESIGN.md § "HH layer";
// contract: Backend.hhForward / hhBackward javadoc. Twins: native/cpu_hh.cpp (same math, SIMD over neurons),
// org.hhnn.backend.ReferenceHh (Java spec), CudaBackend.hhForward / hhBackward (validation, launches).
// Tested by: CudaHhParityTest (the cases of HhParityCases: forwardMatchesReference, backwardMatchesReference, ...)
// (mvn -B -o test -pl java -Dtest='CudaHh*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// One thread per (batch b, neuron j) = index i of the (B, M) grid, grid-stride; the neuron's state, drive and
// readout sums live in registers for the whole window. The readout sums (D+1 of them) are a register array whose
// size KMAX must be a compile-time constant, so each kernel comes in three variants chosen by CudaBackend from
// K = D+1: _k8 (K <= 8; the default D = 4), _k16, _k33 (HhSpec's limit D = 32); loops over k are unrolled to
// KMAX with a runtime guard k <= D, so the array never leaves registers (ptxas -warn-lmem-usage fails the build
// if it did). The backward pass keeps the window's states in a global scratch `traj` owned by CudaBackend, laid
// out (w, 4, T) with T = the grid's thread count so that for a fixed step and component the threads of a warp
// touch consecutive floats (coalesced); nothing is kept in per-thread local arrays. Conductance gradients are
// written per (b, j) in double and summed over b in order by hhnn_hh_cond_grad_f32: deterministic, no atomics.
#include "emu_shim.h"
#include "hh.cuh"
#include "legendre.cuh"

// ---- math ---------------------------------------------------------------------------------------------------------

// The window constants from HhSpec.pack()'s thirteen floats, passed as kernel arguments (no device copy per call).
#define HHNN_HH_PARAMS float p0, float p1, float p2, float p3, float p4, float p5, float p6, float p7, float p8, float p9, \
                       float p10, float p11, float p12
HHNN_DEV HhParams hhnn_hh_params(float p0, float p1, float p2, float p3, float p4, float p5, float p6, float p7, float p8,
                                 float p9, float p10, float p11, float p12) {
    const float q[13] = {p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12};
    return hh_params(q);
}
#define HHNN_HH_PARAMS_CALL hhnn_hh_params(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12)

// Neuron j's drive: its input current and conductances (cond (M, 3) or null = the spec's defaults).
HHNN_DEV HhDrive hhnn_hh_drive(const HhParams& p, const float* current, const float* cond, long i, int j) {
    HhDrive u;
    u.I = current[i];
    u.gNa = cond ? cond[3L * j] : p.gNa;
    u.gK = cond ? cond[3L * j + 1] : p.gK;
    u.gL = cond ? cond[3L * j + 2] : p.gL;
    return u;
}

// Forward window of every (b, j).   state, stateOut (B, M, 4); current, spikes (B, M) (crossings, or steps above
// threshold with p.countAbove); cond (M, 3) or null;
// basisSum (B, M, D+1) with basisSum[.., 0] = w (P_0 = 1) and basisSum[.., k] = Σ_t P_k(x_t).
template <int KMAX>
HHNN_DEV void hhnn_hh_forward(const HhParams& p, const float* state, const float* current, const float* cond,
                              float* stateOut, float* basisSum, float* spikes, int batch, int neurons) {
    const int D = p.degree, K = D + 1;
    HHNN_GRID_STRIDE(i, (long)batch * neurons) {
        HhDrive u = hhnn_hh_drive(p, current, cond, i, (int)(i % neurons));
        HhState s = {state[4 * i], state[4 * i + 1], state[4 * i + 2], state[4 * i + 3]};
        float acc[KMAX];   // acc[k] = Σ_t P_k(x_t) for k = 1..D (acc[0] unused: P_0's sum is w)
HHNN_UNROLL
        for (int k = 0; k < KMAX; k++) acc[k] = 0.f;
        float spk = 0.f;
        for (int t = 0; t < p.steps; t++) {
            HhState o = hh_step(&p, s, u);
            // a crossing V_{t−1} < vTh ≤ V_t, or with countAbove a step with V_t ≥ vTh (uniform over the grid)
            spk += (p.vTh <= o.V && (p.countAbove || s.V < p.vTh)) ? 1.f : 0.f;
            s = o;
            float x = legendre_clamp(hh_readout_arg(o.V)), pk = x, pkm1 = 1.f;
HHNN_UNROLL
            for (int k = 1; k < KMAX; k++) {
                if (k <= D) {
                    acc[k] += pk;
                    float pn = legendre_next(legendre_a(k), legendre_b(k), x, pk, pkm1);
                    pkm1 = pk;
                    pk = pn;
                }
            }
        }
        float* so = stateOut + 4 * i;
        so[0] = s.V;
        so[1] = s.m;
        so[2] = s.h;
        so[3] = s.n;
        float* bs = basisSum + K * i;
        bs[0] = (float)p.steps;
HHNN_UNROLL
        for (int k = 1; k < KMAX; k++)
            if (k <= D) bs[k] = acc[k];
        spikes[i] = spk;
    }
}

// Backward window of every (b, j): recompute the w states from the start state into traj, then sweep back.
// dStateOut (B, M, 4), dBasisSum (B, M, D+1), dSpikes (B, M): each may be null (= zero). dState (B, M, 4),
// dCurrent (B, M) overwritten; condPart (B, M, 3) doubles of ∂L/∂(g_Na, g_K, g_L) per (b, j), or null;
// traj (w, 4, T) scratch, T = the grid's thread count.
template <int KMAX>
HHNN_DEV void hhnn_hh_backward(const HhParams& p, const float* state, const float* current, const float* cond,
                               const float* dStateOut, const float* dBasisSum, const float* dSpikes, float* dState,
                               float* dCurrent, double* condPart, float* traj, int batch, int neurons) {
    const int D = p.degree, K = D + 1, W = p.steps;
    const bool readout = dBasisSum != 0 && D >= 1;   // P_0 is constant: its gradient is 0
    const bool surrogate = dSpikes != 0;
    const float invKappa = 1.f / p.surrogateWidth;
    const long T = hhnn_nthreads();
    float* tr = traj + hhnn_tid();   // this thread's column of (w, 4, T)
    HHNN_GRID_STRIDE(i, (long)batch * neurons) {
        HhDrive u = hhnn_hh_drive(p, current, cond, i, (int)(i % neurons));
        HhState s = {state[4 * i], state[4 * i + 1], state[4 * i + 2], state[4 * i + 3]};
        HhState g = {0.f, 0.f, 0.f, 0.f};   // ∂L/∂(state after the step being reversed)
        if (dStateOut) g = HhState{dStateOut[4 * i], dStateOut[4 * i + 1], dStateOut[4 * i + 2], dStateOut[4 * i + 3]};
        float dS = surrogate ? dSpikes[i] : 0.f;
        float dB[KMAX];   // ∂L/∂basisSum_k, k = 1..D
HHNN_UNROLL
        for (int k = 0; k < KMAX; k++) dB[k] = readout && k >= 1 && k <= D ? dBasisSum[K * i + k] : 0.f;

        for (int t = 0; t < W; t++) {   // S_t before step t+1, at tr[(4t + c) T]
            tr[(4L * t) * T] = s.V;
            tr[(4L * t + 1) * T] = s.m;
            tr[(4L * t + 2) * T] = s.h;
            tr[(4L * t + 3) * T] = s.n;
            s = hh_step(&p, s, u);
        }
        float Vt = s.V;   // V_t of the step being reversed
        float sigT = surrogate ? hh_sigmoid((Vt - p.vTh) * invKappa) : 0.f, sigN = 0.f;
        double aI = 0.0, aNa = 0.0, aK = 0.0, aL = 0.0;   // sums over w steps of either sign: double
        for (int t = W; t >= 1; t--) {
            HhState sp = {tr[(4L * (t - 1)) * T], tr[(4L * (t - 1) + 1) * T], tr[(4L * (t - 1) + 2) * T],
                          tr[(4L * (t - 1) + 3) * T]};   // S_{t-1}
            if (readout) {   // ∂/∂V_t of Σ_k dB_k P_k(x_t): (1/75) Σ_k dB_k P_k'(x) inside (-1, 1), 0 outside (the clamp)
                float x = legendre_clamp(hh_readout_arg(Vt)), pk = x, pkm1 = 1.f, dpk = 1.f, dpkm1 = 0.f, sl = dB[1];
HHNN_UNROLL
                for (int k = 1; k + 1 < KMAX; k++) {
                    if (k < D) {   // P_{k+1}, P'_{k+1}
                        float pn = legendre_next(legendre_a(k), legendre_b(k), x, pk, pkm1);
                        float dpn = legendre_next_grad(k, pk, dpkm1);
                        sl += dB[k + 1] * dpn;
                        pkm1 = pk;
                        pk = pn;
                        dpkm1 = dpk;
                        dpk = dpn;
                    }
                }
                float a = hh_readout_arg(Vt);
                g.V += (a > -1.f && a < 1.f) ? sl * (1.f / 75.f) : 0.f;
            }
            if (surrogate) {   // ŝ = Σ_u σ_u (1 − σ_{u−1}): V_t is the new voltage of term t and the old one of t+1;
                               // with countAbove ŝ = Σ_u σ_u: V_t is in term t only
                float sv = hh_sigmoid((sp.V - p.vTh) * invKappa), st = sigT;
                float inner = p.countAbove ? 1.f : (1.f - sv) - sigN;
                g.V += dS * st * (1.f - st) * invKappa * inner;
                sigN = st;
                sigT = sv;
            }
            HhStepGrad r = hh_step_backward(&p, sp, u, g);
            g = r.ds;
            aI += r.du.I;
            aNa += r.du.gNa;
            aK += r.du.gK;
            aL += r.du.gL;
            Vt = sp.V;
        }
        if (surrogate && !p.countAbove) g.V += dS * sigT * (1.f - sigT) * invKappa * -sigN;   // V_0: the old voltage of term 1 only
        float* ds = dState + 4 * i;
        ds[0] = g.V;
        ds[1] = g.m;
        ds[2] = g.h;
        ds[3] = g.n;
        dCurrent[i] = (float)aI;
        if (condPart) {
            condPart[3 * i] = aNa;
            condPart[3 * i + 1] = aK;
            condPart[3 * i + 2] = aL;
        }
    }
}

// ---- kernels ------------------------------------------------------------------------------------------------------

#define HHNN_HH_FORWARD_KERNEL(KMAX)                                                                                   \
    extern "C" __global__ void __launch_bounds__(HHNN_BLOCK) hhnn_hh_forward_k##KMAX##_f32(                           \
        HHNN_HH_PARAMS, const float* state, const float* current, const float* cond, float* stateOut, float* basisSum, \
        float* spikes, int batch, int neurons) {                                                                       \
        hhnn_hh_forward<KMAX>(HHNN_HH_PARAMS_CALL, state, current, cond, stateOut, basisSum, spikes, batch, neurons);  \
    }                                                                                                                  \
    HHNN_REGISTER(hhnn_hh_forward_k##KMAX##_f32)

#define HHNN_HH_BACKWARD_KERNEL(KMAX)                                                                                  \
    extern "C" __global__ void __launch_bounds__(HHNN_BLOCK) hhnn_hh_backward_k##KMAX##_f32(                          \
        HHNN_HH_PARAMS, const float* state, const float* current, const float* cond, const float* dStateOut,           \
        const float* dBasisSum, const float* dSpikes, float* dState, float* dCurrent, double* condPart, float* traj,  \
        int batch, int neurons) {                                                                                      \
        hhnn_hh_backward<KMAX>(HHNN_HH_PARAMS_CALL, state, current, cond, dStateOut, dBasisSum, dSpikes, dState,      \
                               dCurrent, condPart, traj, batch, neurons);                                              \
    }                                                                                                                  \
    HHNN_REGISTER(hhnn_hh_backward_k##KMAX##_f32)

// K = D+1 <= 8 (the HH layer's default D = 4), <= 16, <= 33 (HhSpec's limit).
HHNN_HH_FORWARD_KERNEL(8)
HHNN_HH_FORWARD_KERNEL(16)
HHNN_HH_FORWARD_KERNEL(33)
HHNN_HH_BACKWARD_KERNEL(8)
HHNN_HH_BACKWARD_KERNEL(16)
HHNN_HH_BACKWARD_KERNEL(33)

// dCond[j, c] += Σ_b condPart[b, j, c], b in order, in double.   condPart (B, M, 3) doubles; dCond (M, 3). One thread per j.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_hh_cond_grad_f32(const double* condPart, float* dCond, int batch, int neurons) {
    HHNN_GRID_STRIDE(j, neurons) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0;
        for (int b = 0; b < batch; b++) {
            const double* c = condPart + 3 * ((long)b * neurons + j);
            s0 += c[0];
            s1 += c[1];
            s2 += c[2];
        }
        dCond[3 * j] = (float)(dCond[3 * j] + s0);
        dCond[3 * j + 1] = (float)(dCond[3 * j + 1] + s1);
        dCond[3 * j + 2] = (float)(dCond[3 * j + 2] + s2);
    }
}
HHNN_REGISTER(hhnn_hh_cond_grad_f32)
