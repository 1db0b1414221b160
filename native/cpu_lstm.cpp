// native/cpu_lstm.cpp — the pointwise part of one LSTM step, forward and backward, fused, for the vanilla, modulated
// and Control 3 cells, with a per-row mask for variable-length sequences (a masked row keeps c and h).
// Math: kernels/lstm.cuh. Java twin: CheckedBackend (validation) ↔ Backend.lstmCellForward / lstmCellBackward,
// reference ReferenceModulated. Tested by: ModulatedParityTest
// (mvn -B -o test -pl java -Dtest=ModulatedParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// Layout: one row b at a time (rows in parallel when the step is large enough), the H nodes of a row one `omp simd`
// loop reading the G gate blocks of the row contiguously, in FMA clones (HHNN_FMA_CLONES) so that σ and tanh
// vectorise. The cell and σ_m are template arguments (7 instantiations: vanilla, control3, modulated × 5 modulators)
// so the selects of lstm.cuh fold away and the loop vectorises.
// Nothing is summed, so results do not depend on the thread count. FP traps stay masked (see cpu_legendre.cpp).
#pragma GCC optimize("no-trapping-math")
#include <string.h>
#include "cpu_parallel.h"
#include "jni_util.h"
#include "lstm.cuh"

using namespace hhnn;


namespace {

// Row b of the forward; cloned for FMA hardware (lstm.cuh's σ and tanh are hhnn_exp arithmetic with explicit fmaf),
// and flattened: every call in it is inlined, since a cell function that GCC's size heuristics leave out of line is
// scalar, compiled for the baseline target, one libm fmaf call per fmaf.
template <int CELL, int MOD>
HHNN_FMA_CLONES __attribute__((flatten)) void forward_row(const float* A, const float* CP, const float* HP, const float* M, float* C, float* H,
                                 long hidden, int b) {
    const long G = CELL == HHNN_LSTM_VANILLA ? 4 : 5;
    const float* a = A + b * G * hidden;   // (G, H) of row b
    const float* cp = CP + b * hidden;
    float* c = C + b * hidden;
    float* h = H + b * hidden;
    if (M && M[b] == 0.f) {   // padding at this step: the state carries over
        memcpy(c, cp, hidden * sizeof(float));
        memcpy(h, HP + b * hidden, hidden * sizeof(float));
        return;
    }
    const float* ax = a + (G == 5 ? 4 : 0) * hidden;   // unused by the vanilla cell
#pragma omp simd
    for (long j = 0; j < hidden; j++)
        hhnn_lstm_forward(CELL, MOD, a[j], a[hidden + j], a[2 * hidden + j], a[3 * hidden + j], ax[j], cp[j], &c[j],
                          &h[j]);
}

template <int CELL, int MOD>
void forward_t(const float* A, const float* CP, const float* HP, const float* M, float* C, float* H, int batch,
               long hidden) {
    const long G = CELL == HHNN_LSTM_VANILLA ? 4 : 5;
    for_rows(batch, (int)(G * hidden), [=](int b) { forward_row<CELL, MOD>(A, CP, HP, M, C, H, hidden, b); });
}

// Row b of the backward (cloned and flattened as forward_row). DC, DH may be null (= 0).
template <int CELL, int MOD>
HHNN_FMA_CLONES __attribute__((flatten)) void backward_row(const float* A, const float* CP, const float* M, const float* DC, const float* DH,
                                  float* DA, float* DCP, float* DHP, long hidden, int b) {
    const long G = CELL == HHNN_LSTM_VANILLA ? 4 : 5;
    const float* a = A + b * G * hidden;
    const float* cp = CP + b * hidden;
    float* da = DA + b * G * hidden;
    float* dcp = DCP + b * hidden;
    float* dhp = DHP + b * hidden;
    const float* dc = DC ? DC + b * hidden : nullptr;
    const float* dh = DH ? DH + b * hidden : nullptr;
    if (M && M[b] == 0.f) {   // c = c_prev, h = h_prev: gradients pass straight through, none to the gates
        memset(da, 0, G * hidden * sizeof(float));
        if (dc) memcpy(dcp, dc, hidden * sizeof(float)); else memset(dcp, 0, hidden * sizeof(float));
        if (dh) memcpy(dhp, dh, hidden * sizeof(float)); else memset(dhp, 0, hidden * sizeof(float));
        return;
    }
    const float* ax = a + (G == 5 ? 4 : 0) * hidden;
#pragma omp simd
    for (long j = 0; j < hidden; j++) {
        float dax;
        hhnn_lstm_backward(CELL, MOD, a[j], a[hidden + j], a[2 * hidden + j], a[3 * hidden + j], ax[j], cp[j],
                           dc ? dc[j] : 0.f, dh ? dh[j] : 0.f, &da[j], &da[hidden + j], &da[2 * hidden + j],
                           &da[3 * hidden + j], &dax, &dcp[j]);
        if (G == 5) da[4 * hidden + j] = dax;
        dhp[j] = 0.f;   // h_prev's gradient through the recurrent gemm is the caller's
    }
}

template <int CELL, int MOD>
void backward_t(const float* A, const float* CP, const float* M, const float* DC, const float* DH, float* DA,
                float* DCP, float* DHP, int batch, long hidden) {
    const long G = CELL == HHNN_LSTM_VANILLA ? 4 : 5;
    for_rows(batch, (int)(G * hidden),
             [=](int b) { backward_row<CELL, MOD>(A, CP, M, DC, DH, DA, DCP, DHP, hidden, b); });
}

// CALL(CELL, MOD): the modulator matters for the modulated cell only.
#define HHNN_CELL_SWITCH(CALL)                                                                  \
    switch (cell) {                                                                             \
        case HHNN_LSTM_VANILLA: CALL(HHNN_LSTM_VANILLA, 0); break;                               \
        case HHNN_LSTM_CONTROL3: CALL(HHNN_LSTM_CONTROL3, 0); break;                             \
        case HHNN_LSTM_MODULATED:                                                               \
            if (!hhnn_visit_mod_op(mod, [&](auto m_) { CALL(HHNN_LSTM_MODULATED, decltype(m_)::value); }))     \
                throw IllegalArgument("modulator op code " + std::to_string(mod) + " is not supported");   \
            break;                                                                              \
        default: throw IllegalArgument("cell code " + std::to_string(cell) + " is not supported"); \
    }

}  // namespace

HHNN_JNI(void, lstmCellForward)(JNIEnv* env, jobject, jint cell, jint mod, jlong gates, jlong cPrev, jlong hPrev,
                                jlong mask, jlong c, jlong h, jint batch, jint hidden) {
    guard(env, "lstmCellForward", [&] {
        const float* A = fp(gates);                     // (B, G·H)
        const float* CP = fp(cPrev);                    // (B, H)
        const float* HP = fp(hPrev);                    // (B, H)
        const float* M = mask ? fp(mask) : nullptr;     // (B) or null
        float* C = fp(c);                               // (B, H)
        float* H = fp(h);                               // (B, H)
#define CALL(CE, MO) forward_t<CE, MO>(A, CP, HP, M, C, H, batch, hidden)
        HHNN_CELL_SWITCH(CALL)
#undef CALL
    });
}

HHNN_JNI(void, lstmCellBackward)(JNIEnv* env, jobject, jint cell, jint mod, jlong gates, jlong cPrev, jlong mask,
                                 jlong dc, jlong dh, jlong dGates, jlong dcPrev, jlong dhPrev, jint batch,
                                 jint hidden) {
    guard(env, "lstmCellBackward", [&] {
        const float* A = fp(gates);                     // (B, G·H)
        const float* CP = fp(cPrev);                    // (B, H)
        const float* M = mask ? fp(mask) : nullptr;     // (B) or null
        const float* DC = dc ? fp(dc) : nullptr;        // (B, H) or null
        const float* DH = dh ? fp(dh) : nullptr;        // (B, H) or null
        float* DA = fp(dGates);                         // (B, G·H)
        float* DCP = fp(dcPrev);                        // (B, H)
        float* DHP = fp(dhPrev);                        // (B, H)
#define CALL(CE, MO) backward_t<CE, MO>(A, CP, M, DC, DH, DA, DCP, DHP, batch, hidden)
        HHNN_CELL_SWITCH(CALL)
#undef CALL
    });
}
