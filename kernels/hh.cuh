// kernels/hh.cuh — per-neuron Hodgkin-Huxley math, float32: the packed window constants, the rates α, β
// and their V-derivatives, one exponential-Euler step, and its reverse-mode (adjoint) step, written by hand.
// Equations: DESIGN.md § "HH layer: the exact model" (the paper's squid-axon rates); contract: Backend.hhForward
// / hhBackward javadoc. Twins: org.hhnn.backend.ReferenceHh (Java, written independently from the same text),
// native/cpu_hh.cpp (OpenMP + SIMD loops over these functions), kernels/hh.cu (one GPU thread per neuron).
// Tested by: HhParityTest (mvn -B -o test -pl java -Dtest=HhParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// Plain C-style on purpose (nvcc device code, g++ host code and the EmulatedDevice shim all compile it): no std::,
// no exceptions, no static data. Every function is branch-free in effect (selects only) so that `#pragma omp simd`
// loops over neurons vectorise it, exp included. Products that feed sums are written as explicit fmaf: one
// rounding, the same bits on every machine and SIMD width (the build forbids implicit contraction), and about a
// third fewer operations in this exp-bound step than separate multiplies and adds.
#pragma once
#include <math.h>
#include "activations.cuh"   // hhnn_exp
#include "common.cuh"

// ---- window constants ----------------------------------------------------------------------------------------

// The scalars of one window, read from the float array HhSpec.pack() writes (same order).
struct HhParams {
    int steps;            // w
    float dt;             // ms
    int degree;           // D of the Legendre readout basis
    float cm;             // µF/cm²
    float eNa, eK, eL;    // mV
    float gNa, gK, gL;    // mS/cm², used when no per-neuron conductances are given
    float vTh;            // spike threshold, mV
    float surrogateWidth; // κ of the spike-count surrogate, mV
    int countAbove;       // 1: `spikes` counts the steps with V_t ≥ vTh (time above threshold, paper 2.5), 0: crossings
};

HHNN_HD inline HhParams hh_params(const float* p) {
    HhParams q;
    q.steps = (int)p[0];
    q.dt = p[1];
    q.degree = (int)p[2];
    q.cm = p[3];
    q.eNa = p[4];
    q.eK = p[5];
    q.eL = p[6];
    q.gNa = p[7];
    q.gK = p[8];
    q.gL = p[9];
    q.vTh = p[10];
    q.surrogateWidth = p[11];
    q.countAbove = p[12] != 0.f ? 1 : 0;
    return q;
}

// ---- exp ------------------------------------------------------------------------------------------------------

// The HH step is bound by its six exponentials, so they are computed in base 2 (activations.cuh: hhnn_exp2): every
// exponent is an affine function of V or of a rate sum, and folding log2(e) into its constants (one rounding, as
// before) leaves 2^y, whose range reduction is exact. Measured on W1 (AVX-512, one core, the forward step alone):
// 362 M neuron-steps/s with the base-e Cephes expf before, 453 M with this.

// e^{−dt·s}, the decay of a gate over one step (s = α + β > 0): shared by the step and its adjoint so that both
// see the same E.
HHNN_HD inline float hh_gate_decay(float s, float dt) {
    float y = s * (-dt * HHNN_LOG2E);
    return hhnn_exp2(y < HHNN_EXP2_MIN ? HHNN_EXP2_MIN : y);
}

// ---- rates ----------------------------------------------------------------------------------------------------

// α_m = 0.1(V+40)/(1−e^{−0.1(V+40)}) = f(z) and α_n = 0.01(V+55)/(1−e^{−0.1(V+55)}) = 0.1·f(z) with
// f(z) = z/(1−e^{−z}), z = 0.1(V+40) resp. 0.1(V+55). f has a removable singularity at z = 0 (f(0) = 1; float32
// training lands V exactly on −40 or −55 often enough to matter): for |z| < 0.1 the series
// f(z) = Σ B⁺ₙ zⁿ/n! = 1 + z/2 + z²/12 − z⁴/720 (next term z⁶/30240 < 4e-11) is used. Beyond, 1−e^{−z} cancels
// a little (relative error ≤ 1.3e-6 at |z| = 0.1, falling as 1/|z|); a rate error of that size moves a gate by
// about dt·1e-6 ≈ 3e-8, below the float32 resolution of the gate itself, so the cheap short series is enough here.
// e = e^{−z} is passed in because it is shared with β_h (see hh_rates).
HHNN_HD inline float hh_xexp(float z, float e) {
    float z2 = z * z;
    float s = fmaf(fmaf(-1.f / 720.f, z2, 1.f / 12.f), z2, fmaf(0.5f, z, 1.f));
    float q = z / (1.f - e);   // computed unconditionally: a division only in one branch blocks if-conversion
    return fabsf(z) < 0.1f ? s : q;
}

// f'(z) (backward only, so accuracy over speed): for |z| < 1 the series 1/2 + z/6 − z³/180 + z⁵/5040 − z⁷/151200
// + z⁹/4790016 (next term < 7e-9); beyond, f' = [(1−e)−z·e]/(1−e)² rewritten with f·e = f − z (f(−z) = f(z) − z)
// as f(1 + z − f)/z, whose subtraction cancels far less (it keeps ≥ 0.42 of f at |z| ≥ 1).
HHNN_HD inline float hh_xexp_grad(float z, float f) {
    float z2 = z * z;
    float s = 1.f / 4790016.f;
    s = fmaf(s, z2, -1.f / 151200.f);
    s = fmaf(s, z2, 1.f / 5040.f);
    s = fmaf(s, z2, -1.f / 180.f);
    s = fmaf(s, z2, 1.f / 6.f);
    s = fmaf(s, z, 0.5f);
    float q = f * (1.f + z - f) / z;
    return fabsf(z) < 1.f ? s : q;
}

// The six rates at V (1/ms) and, in the second struct, their derivatives d/dV (1/(ms·mV)).
struct HhRates { float am, bm, ah, bh, an, bn; };

// The rates are evaluated at V clamped to ±800 mV, which bounds every rate exponent to [−84, 77], i.e. [−122, 112]
// in base 2 (hhnn_exp2's range without a clamp; e^77 and its sums stay finite in float32). Beyond ±800 mV — far
// outside any physiological state, where every gate is saturated anyway — the rates are held at their values there,
// and their V-derivatives are 0.
#define HH_RATE_V_LIMIT 800.f

// Three exponentials serve all six rates, by exact identities (each adds at most an ulp of rounding):
//   e^{−0.1(V+55)} = e^{−0.1(V+40)}·e^{−1.5},  e^{−0.1(V+35)} = e^{−0.1(V+40)}·e^{0.5},
//   e^{−0.05(V+65)} = (e^{−0.0125(V+65)})⁴.   e^{−1.5} and e^{0.5} are written as float literals.
HHNN_HD inline HhRates hh_rates(float V, HhRates* d) {
    float v = V < -HH_RATE_V_LIMIT ? -HH_RATE_V_LIMIT : (V > HH_RATE_V_LIMIT ? HH_RATE_V_LIMIT : V);
    float zm = 0.1f * (v + 40.f), zn = 0.1f * (v + 55.f);
    float e1 = hhnn_exp2(fmaf(v, -0.1f * HHNN_LOG2E, -4.f * HHNN_LOG2E));                // e^{−0.1(V+40)}
    float eq = hhnn_exp2(fmaf(v, -0.0125f * HHNN_LOG2E, -0.8125f * HHNN_LOG2E)), eq2 = eq * eq;   // e^{−0.0125(V+65)}
    float eh = e1 * 1.64872127f;   // e^{−0.1(V+35)}
    float fm = hh_xexp(zm, e1), fn = hh_xexp(zn, e1 * 0.22313016f);   // e^{−0.1(V+55)}
    HhRates r;
    r.am = fm;
    r.bm = 4.f * hhnn_exp2(fmaf(v, -0.0556f * HHNN_LOG2E, -3.614f * HHNN_LOG2E));   // 4e^{−0.0556(V+65)}
    r.ah = 0.07f * (eq2 * eq2);
    r.bh = 1.f / (1.f + eh);
    r.an = 0.1f * fn;
    r.bn = 0.125f * eq;
    if (d) {
        float in = v == V ? 1.f : 0.f;   // 0 where the clamp held V (for NaN V the rates are NaN anyway)
        d->am = in * 0.1f * hh_xexp_grad(zm, fm);
        d->bm = in * -0.0556f * r.bm;
        d->ah = in * -0.05f * r.ah;
        d->bh = in * 0.1f * r.bh * (1.f - r.bh);   // d/dV 1/(1+e^{−0.1(V+35)})
        d->an = in * 0.01f * hh_xexp_grad(zn, fn);
        d->bn = in * -0.0125f * r.bn;
    }
    return r;
}

// ---- one step -------------------------------------------------------------------------------------------------

struct HhState { float V, m, h, n; };

// A neuron's constants over the window: input current and conductances.
struct HhDrive { float I, gNa, gK, gL; };

// Exponential Euler for one gate: x ← x∞ + (x − x∞)·e^{−dt(α+β)}, x∞ = α/(α+β). α+β > 0 for every V
// (each pair of rates moves in opposite directions, so they never underflow together).
HHNN_HD inline float hh_gate(float x, float a, float b, float dt) {
    float s = a + b;
    float inf = a / s;
    return fmaf(x - inf, hh_gate_decay(s, dt), inf);
}

// The step from state s (all updates use the OLD state: V from the old gates, gates from the old V).
HHNN_HD inline HhState hh_step(const HhParams* p, HhState s, HhDrive u) {
    HhRates r = hh_rates(s.V, 0);
    float m3h = s.m * s.m * s.m * s.h, n2 = s.n * s.n, n4 = n2 * n2;
    float ion = fmaf(u.gNa * m3h, s.V - p->eNa, fmaf(u.gK * n4, s.V - p->eK, u.gL * (s.V - p->eL)));
    HhState o;
    o.V = fmaf(p->dt / p->cm, u.I - ion, s.V);
    o.m = hh_gate(s.m, r.am, r.bm, p->dt);
    o.h = hh_gate(s.h, r.ah, r.bh, p->dt);
    o.n = hh_gate(s.n, r.an, r.bn, p->dt);
    return o;
}

// ---- one step, reverse mode -----------------------------------------------------------------------------------

// Adjoint of one gate update x' = x∞ + (x − x∞)·E, E = e^{−dt·s}, s = α+β, given g = ∂L/∂x':
//   ∂x'/∂x = E;  ∂x'/∂V = x∞'(1 − E) + (x − x∞)·E', with s' = α'+β', x∞' = (α' − x∞ s')/s, E' = −dt·E·s'.
// Returns ∂L/∂x and adds ∂L/∂V to *gV.
HHNN_HD inline float hh_gate_backward(float x, float a, float b, float da, float db, float dt, float g, float* gV) {
    float s = a + b, ds = da + db;
    float inf = a / s;
    float E = hh_gate_decay(s, dt);
    float dinf = (da - inf * ds) / s;
    float dE = -dt * E * ds;
    *gV += g * (dinf * (1.f - E) + (x - inf) * dE);
    return g * E;
}

// What one step's adjoint produces: ∂L/∂(state before the step), and the step's contributions to the
// gradients of the window constants (∂L/∂I, ∂L/∂g_Na, ∂L/∂g_K, ∂L/∂g_L).
struct HhStepGrad { HhState ds; HhDrive du; };

// Adjoint of hh_step at state s, given g = ∂L/∂(state after the step). With c = dt/C_m and
// V' = V + c(I − g_Na m³h(V−E_Na) − g_K n⁴(V−E_K) − g_L(V−E_L)):
//   ∂V'/∂V = 1 − c(g_Na m³h + g_K n⁴ + g_L),  ∂V'/∂m = −c g_Na 3m²h(V−E_Na),  ∂V'/∂h = −c g_Na m³(V−E_Na),
//   ∂V'/∂n = −c g_K 4n³(V−E_K),  ∂V'/∂I = c,  ∂V'/∂g_Na = −c m³h(V−E_Na),  ∂V'/∂g_K = −c n⁴(V−E_K),
//   ∂V'/∂g_L = −c(V−E_L); the gates depend on V only through the rates (hh_gate_backward).
HHNN_HD inline HhStepGrad hh_step_backward(const HhParams* p, HhState s, HhDrive u, HhState g) {
    HhRates d;
    HhRates r = hh_rates(s.V, &d);
    float c = p->dt / p->cm;
    float m2 = s.m * s.m, m3 = m2 * s.m, n2 = s.n * s.n, n3 = n2 * s.n, n4 = n2 * n2;
    float dNa = s.V - p->eNa, dK = s.V - p->eK, dL = s.V - p->eL;
    float cg = c * g.V;
    HhStepGrad o;
    o.ds.V = g.V * (1.f - c * (u.gNa * m3 * s.h + u.gK * n4 + u.gL));
    o.ds.m = hh_gate_backward(s.m, r.am, r.bm, d.am, d.bm, p->dt, g.m, &o.ds.V) - cg * u.gNa * 3.f * m2 * s.h * dNa;
    o.ds.h = hh_gate_backward(s.h, r.ah, r.bh, d.ah, d.bh, p->dt, g.h, &o.ds.V) - cg * u.gNa * m3 * dNa;
    o.ds.n = hh_gate_backward(s.n, r.an, r.bn, d.an, d.bn, p->dt, g.n, &o.ds.V) - cg * u.gK * 4.f * n3 * dK;
    o.du.I = cg;
    o.du.gNa = -cg * m3 * s.h * dNa;
    o.du.gK = -cg * n4 * dK;
    o.du.gL = -cg * dL;
    return o;
}

// ---- readout helpers ------------------------------------------------------------------------------------------

// The readout's Legendre argument before its clamp to [−1, 1]: (V+15)/75 (V from −90 to 60 mV spans [−1, 1]),
// multiplied by the float nearest 1/75 rather than divided (within an ulp, and no division per step).
HHNN_HD inline float hh_readout_arg(float V) { return (V + 15.f) * (1.f / 75.f); }

// σ(x) for the spike surrogate, and 1 − σ(x) = σ(−x) in *c, both to full relative precision (forming 1 − σ by
// subtraction would cancel for x ≫ 0, and σ' = σ(1 − σ) with it); e^{−|x|} only, so nothing overflows.
HHNN_HD inline float hh_sigmoid_pair(float x, float* c) {
    float e = hhnn_exp(-fabsf(x));
    float big = 1.f / (1.f + e), small = e * big;
    *c = x >= 0.f ? small : big;
    return x >= 0.f ? big : small;
}

// σ(x) alone.
HHNN_HD inline float hh_sigmoid(float x) {
    float c;
    return hh_sigmoid_pair(x, &c);
}

