// native/cpu_modact.cpp — the modulated activation o = act(σ_m(u)·v), forward and fused backward (gradients to v and
// u in one pass), with v viewed as (outer, channels, inner) and u as (outer, inner): layer-wide dense (inner = 1),
// per position conv NCHW (inner = H·W) and per node (channels = 1) are the same loops.
// Math: kernels/modact.cuh. Java twin: CheckedBackend (validation) ↔ Backend.modActForward / modActBackward, reference
// ReferenceModulated. Tested by: ModulatedParityTest
// (mvn -B -o test -pl java -Dtest=ModulatedParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// Layout: act and σ_m are template arguments (25 instantiations) so that hhnn_unary's switch folds away and the
// element loops vectorise. inner > 1: work units are (o, tile of TB inner positions); a tile's modulations s stay in
// a stack array while the channels stream past, each channel one `omp simd` pass. inner = 1 (dense): one unit per
// row o, the channel loop is the vector loop with the scalar s. du sums over channels in double in channel order,
// per unit, so the bits do not depend on the thread count. FP traps stay masked (see cpu_legendre.cpp).
#pragma GCC optimize("no-trapping-math")
#include "cpu_parallel.h"
#include "jni_util.h"
#include "modact.cuh"

using namespace hhnn;


namespace {

constexpr int TB = 256;   // inner positions per tile

// f(unit) for unit in [0, units), in parallel when the whole job (work elements) pays for the threads.
template <class F>
void parallel_units(long units, long work, F&& f) {
    bool par = units > 1 && work >= kParallelMin && threads() > 1;
#pragma omp parallel for schedule(static) num_threads(threads()) if (par)
    for (long u = 0; u < units; u++) f(u);
}

// f(o, i0, n) for the tiles of n <= TB inner positions from i0 of each row o: the work units of the conv layout.
template <class F>
void parallel_tiles(long outer, long C, long inner, F&& f) {
    long tiles = (inner + TB - 1) / TB;
    parallel_units(outer * tiles, outer * C * inner, [=](long t) {
        long i0 = (t % tiles) * TB;
        f(t / tiles, i0, (int)(inner - i0 < TB ? inner - i0 : TB));
    });
}

// One channel of a tile (n ≤ TB positions with their modulations s): the vector loops of the conv layout, as SIMD
// clones (memory-bound at SSE2 width, and the double accumulation is twice as wide per instruction with AVX). Each
// element's operations are the same in every clone and acc sums per position in channel order: the same bits.
template <int ACT>
HHNN_SIMD_CLONES void forward_channel(const float* s, const float* v, float* out, int n) {
#pragma omp simd
    for (int i = 0; i < n; i++) out[i] = hhnn_modact(ACT, s[i], v[i]);
}

template <int ACT>
HHNN_SIMD_CLONES void backward_channel(const float* s, const float* v, const float* g, float* dv, double* acc, int n) {
    if (dv) {
#pragma omp simd
        for (int i = 0; i < n; i++) {
            float dz = hhnn_modact_dz(ACT, s[i], v[i], g[i]);
            dv[i] = dz * s[i];
            acc[i] += (double)(dz * v[i]);
        }
    } else {
#pragma omp simd
        for (int i = 0; i < n; i++) acc[i] += (double)(hhnn_modact_dz(ACT, s[i], v[i], g[i]) * v[i]);
    }
}

template <int ACT, int MOD>
void forward_t(const float* V, const float* U, float* O, long outer, long C, long inner) {
    if (inner == 1) {
        parallel_units(outer, outer * C, [=](long o) {
            float s = hhnn_unary(MOD, U[o]);
            const float* v = V + o * C;
            float* out = O + o * C;
#pragma omp simd
            for (long c = 0; c < C; c++) out[c] = hhnn_modact(ACT, s, v[c]);
        });
        return;
    }
    parallel_tiles(outer, C, inner, [=](long o, long i0, int n) {
        float s[TB];
        const float* u = U + o * inner + i0;
#pragma omp simd
        for (int i = 0; i < n; i++) s[i] = hhnn_unary(MOD, u[i]);
        for (long c = 0; c < C; c++) {
            forward_channel<ACT>(s, V + (o * C + c) * inner + i0, O + (o * C + c) * inner + i0, n);
        }
    });
}

// DV or DU may be null (that gradient is not wanted).
template <int ACT, int MOD>
void backward_t(const float* V, const float* U, const float* G, float* DV, float* DU, long outer, long C, long inner) {
    if (inner == 1) {
        parallel_units(outer, outer * C, [=](long o) {
            float s = hhnn_unary(MOD, U[o]);
            const float* v = V + o * C;
            const float* g = G + o * C;
            double acc = 0.0;
            if (DV) {
                float* dv = DV + o * C;
#pragma omp simd reduction(+ : acc)
                for (long c = 0; c < C; c++) {
                    float dz = hhnn_modact_dz(ACT, s, v[c], g[c]);
                    dv[c] = dz * s;
                    acc += (double)(dz * v[c]);
                }
            } else {
#pragma omp simd reduction(+ : acc)
                for (long c = 0; c < C; c++) acc += (double)(hhnn_modact_dz(ACT, s, v[c], g[c]) * v[c]);
            }
            if (DU) DU[o] = (float)(acc * (double)hhnn_unary_grad(MOD, U[o], s));
        });
        return;
    }
    parallel_tiles(outer, C, inner, [=](long o, long i0, int n) {
        float s[TB];
        double acc[TB];
        const float* u = U + o * inner + i0;
#pragma omp simd
        for (int i = 0; i < n; i++) {
            s[i] = hhnn_unary(MOD, u[i]);
            acc[i] = 0.0;
        }
        for (long c = 0; c < C; c++) {
            long off = (o * C + c) * inner + i0;
            backward_channel<ACT>(s, V + off, G + off, DV ? DV + off : nullptr, acc, n);
        }
        if (DU) {
            float* du = DU + o * inner + i0;
            for (int i = 0; i < n; i++) du[i] = (float)(acc[i] * (double)hhnn_unary_grad(MOD, u[i], s[i]));
        }
    });
}

// CALL(ACT, MOD) with the compile-time constants of the runtime codes (HHNN_UNARY_MOD_OPS: identity, relu, sigmoid,
// tanh, tanhshrink).
#define HHNN_ACT_SWITCH(CALL)                                                                                 \
    if (!hhnn_visit_mod_op(act, [&](auto a_) {                                                                \
            if (!hhnn_visit_mod_op(mod, [&](auto m_) { CALL(decltype(a_)::value, decltype(m_)::value); }))   \
                throw IllegalArgument("modulator op code " + std::to_string(mod) + " is not supported");     \
        }))                                                                                                   \
        throw IllegalArgument("activation op code " + std::to_string(act) + " is not supported");

}  // namespace

HHNN_JNI(void, modActForward)(JNIEnv* env, jobject, jint act, jint mod, jlong v, jlong u, jlong out, jint outer,
                              jint channels, jint inner) {
    guard(env, "modActForward", [&] {
        const float* V = fp(v);   // (outer, channels, inner)
        const float* U = fp(u);   // (outer, inner)
        float* O = fp(out);       // (outer, channels, inner)
#define CALL(A, M) forward_t<A, M>(V, U, O, outer, channels, inner)
        HHNN_ACT_SWITCH(CALL)
#undef CALL
    });
}

HHNN_JNI(void, modActBackward)(JNIEnv* env, jobject, jint act, jint mod, jlong v, jlong u, jlong dout, jlong dv,
                               jlong du, jint outer, jint channels, jint inner) {
    guard(env, "modActBackward", [&] {
        const float* V = fp(v);      // (outer, channels, inner)
        const float* U = fp(u);      // (outer, inner)
        const float* G = fp(dout);   // (outer, channels, inner)
        float* DV = dv ? fp(dv) : nullptr;   // (outer, channels, inner) or null
        float* DU = du ? fp(du) : nullptr;   // (outer, inner) or null
#define CALL(A, M) backward_t<A, M>(V, U, G, DV, DU, outer, channels, inner)
        HHNN_ACT_SWITCH(CALL)
#undef CALL
    });
}
