// native/cpu_hh.cpp — the fused HH window: forward (w steps + Legendre readout sums + spike counts, nothing per
// step written to memory) and backward (recompute the window from its start state, then reverse-mode through it).
// Math: kernels/hh.cuh, kernels/legendre.cuh. Java twin: CheckedBackend (validation) ↔ Backend.hhForward / hhBackward,
// reference ReferenceHh. Tested by: HhParityTest
// (mvn -B -o test -pl java -Dtest=HhParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// With HhParams.countAbove the spike output counts the steps above threshold instead, and its surrogate changes; the
// flag is uniform per call and enters as a select in the lane bodies (forward_lane, reverse_lane), not as more
// template instances: those grow this file past GCC's inlining limits, hhnn_exp is then called out of line and the
// backward's lane loops no longer vectorise (W2 measured several times slower that way).
//
// Layout: a work unit is one block of L = 16 neurons of one batch row (neurons of a row are contiguous). Its
// state lives in local arrays of L lanes for the whole window; the step loop runs outside the `omp simd` neuron
// loop, so each step is one vector pass over the block and the lanes' state never leaves L1. Units are split
// across OpenMP threads; no two units write the same output, so results do not depend on the thread count.
// FP traps are never unmasked here, so no operation can trap; saying so lets GCC if-convert the selects of hh.cuh
// (clamps, series-or-quotient) into blends, where it would otherwise keep a branch because one arm might raise an FP
// flag, which stops the step loop from vectorising except under AVX-512 masking. Results are unchanged: the flag
// licenses speculation only; it neither reassociates nor contracts.
#pragma GCC optimize("no-trapping-math")
#include <string>
#include <vector>
#include "cpu_parallel.h"
#include "hh.cuh"
#include "jni_util.h"
#include "legendre.cuh"

using namespace hhnn;


namespace {

constexpr int L = 16;           // neurons per SIMD block: one AVX-512 vector, two AVX2 vectors
constexpr int kMaxDegree = 32;  // HhSpec's limit; sizes the per-block readout accumulators
constexpr long kSerialWork = 1L << 17;   // below this many neuron-steps one thread is faster than a fork/join

// One call's buffers and shapes.
struct Window {
    HhParams p;
    const float* state;     // (B, M, 4) V, m, h, n
    const float* current;   // (B, M)
    const float* cond;      // (M, 3) g_Na, g_K, g_L, or null = p's defaults
    int batch, neurons;
};

// A block's lanes: state, drive, and how many lanes are real neurons (the rest are padding that runs a resting
// neuron and is never stored).
struct Block {
    float V[L], m[L], h[L], n[L];
    float I[L], gNa[L], gK[L], gL[L];
    int b, j0, lanes;
};

void load_block(const Window& w, long unit, Block* k) {
    int perRow = (w.neurons + L - 1) / L;
    k->b = (int)(unit / perRow);
    k->j0 = (int)(unit % perRow) * L;
    k->lanes = w.neurons - k->j0 < L ? w.neurons - k->j0 : L;
    long row = (long)k->b * w.neurons;
    for (int l = 0; l < L; l++) {
        if (l < k->lanes) {
            long i = row + k->j0 + l;
            const float* s = w.state + 4 * i;
            k->V[l] = s[0]; k->m[l] = s[1]; k->h[l] = s[2]; k->n[l] = s[3];
            k->I[l] = w.current[i];
            const float* g = w.cond ? w.cond + 3L * (k->j0 + l) : nullptr;
            k->gNa[l] = g ? g[0] : w.p.gNa;
            k->gK[l] = g ? g[1] : w.p.gK;
            k->gL[l] = g ? g[2] : w.p.gL;
        } else {   // roughly the resting state: finite, quiet
            k->V[l] = -65.f; k->m[l] = 0.05f; k->h[l] = 0.6f; k->n[l] = 0.32f;
            k->I[l] = 0.f; k->gNa[l] = w.p.gNa; k->gK[l] = w.p.gK; k->gL[l] = w.p.gL;
        }
    }
}

// Runs f(unit, thread) over [0, units) on at most nt threads (thread < nt: it indexes per-thread scratch), in
// parallel when the window is big enough to pay for the threads.
template <class F>
void for_units(long units, long steps, int nt, F&& f) {
    bool parallel = units > 1 && units * L * steps >= kSerialWork && nt > 1;
#pragma omp parallel for schedule(static) num_threads(nt) if (parallel)
    for (long u = 0; u < units; u++) f(u, omp_get_thread_num());
}

// The window of one call, after checking the two constants that size native arrays (HhSpec already enforces
// them; checked again because a wrong one here would mean writing outside the stack arrays).
Window window(JNIEnv* env, jfloatArray params, jlong state, jlong current, jlong cond, int batch, int neurons) {
    float pk[13];
    env->GetFloatArrayRegion(params, 0, 13, pk);
    check_jni(env);
    HhParams p = hh_params(pk);
    if (p.steps < 1 || p.degree < 0 || p.degree > kMaxDegree)
        throw IllegalArgument("window of " + std::to_string(p.steps) + " steps and degree " + std::to_string(p.degree) +
                              " (need >= 1 steps and a degree in [0, " + std::to_string(kMaxDegree) + "])");
    return Window{p, fp(state), fp(current), cond ? fp(cond) : nullptr, batch, neurons};
}

// ---- forward -----------------------------------------------------------------------------------------------

// One step of lane l: the HH update and the spike count (a crossing V_{t−1} < vTh ≤ V_t, or with p->countAbove a
// step with V_t ≥ vTh: a select on a flag uniform per call); returns the readout argument x_t. (Lane bodies are
// functions so that `omp simd` sees no address-taken struct temporaries, which it would turn into per-lane arrays
// in memory.)
inline float forward_lane(const HhParams* p, Block* k, float* spk, int l) {
    HhState s = {k->V[l], k->m[l], k->h[l], k->n[l]};
    HhState o = hh_step(p, s, HhDrive{k->I[l], k->gNa[l], k->gK[l], k->gL[l]});
    spk[l] += (p->vTh <= o.V && (p->countAbove || s.V < p->vTh)) ? 1.f : 0.f;
    k->V[l] = o.V; k->m[l] = o.m; k->h[l] = o.h; k->n[l] = o.n;
    return legendre_clamp(hh_readout_arg(o.V));
}

// The whole window of one block. P_0 = 1 is not accumulated: its sum is w.
HHNN_FMA_CLONES void forward_block(const Window& w, long unit, float* stateOut, float* basisSum, float* spikes) {
    Block k;
    load_block(w, unit, &k);
    const HhParams p = w.p;
    const int D = p.degree;
    float bb[kMaxDegree + 1];   // recurrence coefficients, hoisted out of every loop
    for (int q = 0; q <= D; q++) bb[q] = legendre_b(q);
    float acc[kMaxDegree * L] = {};        // acc[(k−1)·L + l] = Σ_t P_k(x_t), k = 1..D
    float spk[L] = {};
    for (int t = 0; t < p.steps; t++) {
        float x[L], pk[L], pkm1[L];
#pragma omp simd
        for (int l = 0; l < L; l++) {
            x[l] = forward_lane(&p, &k, spk, l);
            pk[l] = x[l];
            pkm1[l] = 1.f;
        }
        // The readout one degree at a time (a loop over k inside the neuron loop would not vectorise).
        for (int q = 1; q <= D; q++) {
            float* aq = acc + (q - 1) * L;
#pragma omp simd
            for (int l = 0; l < L; l++) {
                aq[l] += pk[l];
                float pn = legendre_step(bb[q], x[l], pk[l], pkm1[l]);
                pkm1[l] = pk[l];
                pk[l] = pn;
            }
        }
    }
    const int K = D + 1;
    for (int l = 0; l < k.lanes; l++) {
        long i = (long)k.b * w.neurons + k.j0 + l;
        float* so = stateOut + 4 * i;
        so[0] = k.V[l]; so[1] = k.m[l]; so[2] = k.h[l]; so[3] = k.n[l];
        float* bs = basisSum + K * i;
        bs[0] = (float)p.steps;
        for (int q = 1; q <= D; q++) bs[q] = acc[(q - 1) * L + l];
        spikes[i] = spk[l];
    }
}

// ---- backward ----------------------------------------------------------------------------------------------

// The incoming and outgoing gradient buffers of one call (inputs may be null = zero).
struct Grads {
    const float* dStateOut;   // (B, M, 4) or null
    const float* dBasisSum;   // (B, M, D+1) or null
    const float* dSpikes;     // (B, M) or null
    float* dState;            // (B, M, 4)
    float* dCurrent;          // (B, M)
    double* condPart;         // (B, M, 3) per-unit ∂L/∂(g_Na, g_K, g_L), summed over b afterwards; null without dCond
};

// A block's adjoints during the reverse sweep. Sums over the window's steps are kept in double: they add w terms
// of either sign.
struct Adjoint {
    float gV[L], gm[L], gh[L], gn[L];   // ∂L/∂(state after the current step)
    double aI[L], aNa[L], aK[L], aL[L];
    float dS[L];                        // ∂L/∂spikes
    float sT[L], cT[L], sN[L];          // σ_t = σ((V_t − vTh)/κ), 1 − σ_t, σ_{t+1} (0 past the window's end)
};

// Stores lane l's state before a step into its trajectory slot (4·L floats), then steps it.
inline void recompute_lane(const HhParams* p, Block* k, float* slot, int l) {
    HhState s = {k->V[l], k->m[l], k->h[l], k->n[l]};
    slot[l] = s.V; slot[L + l] = s.m; slot[2 * L + l] = s.h; slot[3 * L + l] = s.n;
    HhState o = hh_step(p, s, HhDrive{k->I[l], k->gNa[l], k->gK[l], k->gL[l]});
    k->V[l] = o.V; k->m[l] = o.m; k->h[l] = o.h; k->n[l] = o.n;
}

// Reverse step t for lane l: first ∂ŝ/∂V_t of the surrogate, then the adjoint of the step S_{t−1} → S_t. Crossings:
// ŝ = Σ_u σ_u(1 − σ_{u−1}) (V_t is the new voltage of term t and the old one of term t+1: σ'_t·((1 − σ_{t−1}) −
// σ_{t+1})); above threshold (p->countAbove): ŝ = Σ_u σ_u (V_t is in term t only: σ'_t), a select (see the top).
template <bool SURROGATE>
inline void reverse_lane(const HhParams* p, const Block* k, Adjoint* a, const float* slot, float invKappa, int l) {
    HhState s = {slot[l], slot[L + l], slot[2 * L + l], slot[3 * L + l]};
    if (SURROGATE) {   // σ'_t = σ_t(1 − σ_t)/κ from the pair, so it keeps its precision far from threshold
        float cp, sp = hh_sigmoid_pair((s.V - p->vTh) * invKappa, &cp);
        float inner = p->countAbove ? 1.f : cp - a->sN[l];
        a->gV[l] += a->dS[l] * (a->sT[l] * a->cT[l] * invKappa) * inner;
        a->sN[l] = a->sT[l];
        a->sT[l] = sp;
        a->cT[l] = cp;
    }
    HhState g = {a->gV[l], a->gm[l], a->gh[l], a->gn[l]};
    HhStepGrad r = hh_step_backward(p, s, HhDrive{k->I[l], k->gNa[l], k->gK[l], k->gL[l]}, g);
    a->gV[l] = r.ds.V; a->gm[l] = r.ds.m; a->gh[l] = r.ds.h; a->gn[l] = r.ds.n;
    a->aI[l] += r.du.I; a->aNa[l] += r.du.gNa; a->aK[l] += r.du.gK; a->aL[l] += r.du.gL;
}

// Adds ∂/∂V_t of Σ_k dB_k·P_k(x_t) to gV: (1/75)·Σ_k dB_k P_k'(x) inside (−1, 1), nothing outside (the clamp).
inline void readout_slope(int D, const float* bb, const float* dB, const float* Vt, float* gV) {
    float x[L], pk[L], pkm1[L], dpk[L], dpkm1[L], s[L];
#pragma omp simd
    for (int l = 0; l < L; l++) {
        x[l] = legendre_clamp(hh_readout_arg(Vt[l]));
        pk[l] = x[l]; pkm1[l] = 1.f;     // P_1, P_0
        dpk[l] = 1.f; dpkm1[l] = 0.f;    // P'_1, P'_0
        s[l] = dB[L + l];
    }
    for (int q = 1; q < D; q++) {        // P_{q+1}, P'_{q+1}
        const float* dBq = dB + (q + 1) * L;
#pragma omp simd
        for (int l = 0; l < L; l++) {
            float pn = legendre_step(bb[q], x[l], pk[l], pkm1[l]);
            float dpn = legendre_next_grad(q, pk[l], dpkm1[l]);
            s[l] += dBq[l] * dpn;
            pkm1[l] = pk[l]; pk[l] = pn;
            dpkm1[l] = dpk[l]; dpk[l] = dpn;
        }
    }
#pragma omp simd
    for (int l = 0; l < L; l++) {
        float u = hh_readout_arg(Vt[l]);
        gV[l] += (u > -1.f && u < 1.f) ? s[l] * (1.f / 75.f) : 0.f;
    }
}

// One block: recompute the window from its start state keeping the w states before each step (traj, w·4·L
// floats of this thread's scratch), then sweep back from t = w to 1.
template <bool SURROGATE>
HHNN_FMA_CLONES void backward_block(const Window& w, const Grads& gr, long unit, float* traj) {
    Block k;
    load_block(w, unit, &k);
    const HhParams p = w.p;
    const int D = p.degree, K = D + 1, T = p.steps;
    const bool readout = gr.dBasisSum && D >= 1;   // P_0 is constant: its gradient is 0
    float bb[kMaxDegree + 1];
    for (int q = 0; q <= D; q++) bb[q] = legendre_b(q);
    float dB[(kMaxDegree + 1) * L];      // dB[k·L + l] = ∂L/∂basisSum_k
    Adjoint ad;
    for (int l = 0; l < L; l++) {
        long i = (long)k.b * w.neurons + k.j0 + l;
        bool real = l < k.lanes;
        const float* g = real && gr.dStateOut ? gr.dStateOut + 4 * i : nullptr;
        ad.gV[l] = g ? g[0] : 0.f; ad.gm[l] = g ? g[1] : 0.f; ad.gh[l] = g ? g[2] : 0.f; ad.gn[l] = g ? g[3] : 0.f;
        ad.aI[l] = ad.aNa[l] = ad.aK[l] = ad.aL[l] = 0.0;
        ad.dS[l] = real && gr.dSpikes ? gr.dSpikes[i] : 0.f;
        for (int q = 0; q <= D; q++) dB[q * L + l] = real && readout ? gr.dBasisSum[K * i + q] : 0.f;
    }
    for (int t = 0; t < T; t++) {
#pragma omp simd
        for (int l = 0; l < L; l++) recompute_lane(&p, &k, traj + 4L * L * t, l);
    }
    const float invKappa = 1.f / p.surrogateWidth;
    float Vt[L];                          // V_t of the step being reversed
#pragma omp simd
    for (int l = 0; l < L; l++) {
        Vt[l] = k.V[l];
        float c = 0.f;
        ad.sT[l] = SURROGATE ? hh_sigmoid_pair((Vt[l] - p.vTh) * invKappa, &c) : 0.f;
        ad.cT[l] = c;
        ad.sN[l] = 0.f;
    }
    for (int t = T; t >= 1; t--) {
        const float* slot = traj + 4L * L * (t - 1);   // S_{t−1}
        if (readout) readout_slope(D, bb, dB, Vt, ad.gV);
#pragma omp simd
        for (int l = 0; l < L; l++) {
            reverse_lane<SURROGATE>(&p, &k, &ad, slot, invKappa, l);
            Vt[l] = slot[l];
        }
    }
    for (int l = 0; l < k.lanes; l++) {
        long i = (long)k.b * w.neurons + k.j0 + l;
        float gV = ad.gV[l];
        if (SURROGATE && !p.countAbove)   // V_0 is the old voltage of term 1 only: −σ'_0·σ_1 (not in the above-threshold ŝ)
            gV += ad.dS[l] * (ad.sT[l] * ad.cT[l] * invKappa) * -ad.sN[l];
        float* ds = gr.dState + 4 * i;
        ds[0] = gV; ds[1] = ad.gm[l]; ds[2] = ad.gh[l]; ds[3] = ad.gn[l];
        gr.dCurrent[i] = (float)ad.aI[l];
        if (gr.condPart) {
            double* c = gr.condPart + 3 * i;
            c[0] = ad.aNa[l]; c[1] = ad.aK[l]; c[2] = ad.aL[l];
        }
    }
}

}  // namespace

HHNN_JNI(void, hhForward)(JNIEnv* env, jobject, jfloatArray params, jlong state, jlong current, jlong cond,
                          jlong stateOut, jlong basisSum, jlong spikes, jint batch, jint neurons) {
    guard(env, "hhForward", [&] {
        Window w = window(env, params, state, current, cond, batch, neurons);
        float* so = fp(stateOut);   // (B, M, 4)
        float* bs = fp(basisSum);   // (B, M, D+1)
        float* sp = fp(spikes);     // (B, M)
        long units = (long)batch * ((neurons + L - 1) / L);
        for_units(units, w.p.steps, threads(), [&](long u, int) { forward_block(w, u, so, bs, sp); });
    });
}

HHNN_JNI(void, hhBackward)(JNIEnv* env, jobject, jfloatArray params, jlong state, jlong current, jlong cond,
                           jlong dStateOut, jlong dBasisSum, jlong dSpikes, jlong dState, jlong dCurrent,
                           jlong dCond, jint batch, jint neurons) {
    guard(env, "hhBackward", [&] {
        Window w = window(env, params, state, current, cond, batch, neurons);
        long bm = (long)batch * neurons, units = (long)batch * ((neurons + L - 1) / L);
        // Scratch, allocated here because nothing may throw inside the parallel region: one trajectory per
        // thread, and the per-(b, j) conductance gradients when dCond is wanted.
        int nt = threads();
        std::vector<float> traj((size_t)nt * w.p.steps * 4 * L);
        std::vector<double> condPart(dCond ? (size_t)bm * 3 : 0);
        Grads g = {dStateOut ? fp(dStateOut) : nullptr, dBasisSum ? fp(dBasisSum) : nullptr,
                   dSpikes ? fp(dSpikes) : nullptr, fp(dState), fp(dCurrent), dCond ? condPart.data() : nullptr};
        float* tr = traj.data();
        long per = (long)w.p.steps * 4 * L;
        if (dSpikes)
            for_units(units, w.p.steps, nt, [&](long u, int th) { backward_block<true>(w, g, u, tr + th * per); });
        else
            for_units(units, w.p.steps, nt, [&](long u, int th) { backward_block<false>(w, g, u, tr + th * per); });
        if (dCond) {   // dCond[j] += Σ_b part[b, j], b in order: the same bits for any thread count
            float* dc = fp(dCond);   // (M, 3)
            const double* cp = condPart.data();
            for_rows(neurons, 3 * batch, [&](int j) {
                double s0 = 0, s1 = 0, s2 = 0;
                for (int b = 0; b < batch; b++) {
                    const double* c = cp + 3 * ((long)b * neurons + j);
                    s0 += c[0]; s1 += c[1]; s2 += c[2];
                }
                dc[3 * j] = (float)(dc[3 * j] + s0);
                dc[3 * j + 1] = (float)(dc[3 * j + 1] + s1);
                dc[3 * j + 2] = (float)(dc[3 * j + 2] + s2);
            });
        }
    });
}
