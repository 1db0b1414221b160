// native/cpu_optim.cpp — fused optimizer steps: SGD (momentum, Nesterov, L2 decay) and Adam / AdamW.
// Math: kernels/optim.cuh. Java twin: CpuBackend / ReferenceBackend sgdUpdate, adamUpdate.
// Tested by: CpuParityTest.sgdUpdate / adamUpdate (every flag combination, several steps).
#include <math.h>
#include "cpu_parallel.h"
#include "jni_util.h"
#include "optim.cuh"

using namespace hhnn;

// MOMENTUM, NESTEROV and DECOUPLED are template arguments so that the step's branches fold away and the loop vectorises.
template <bool MOMENTUM, bool NESTEROV>
static void sgd_t(float* P, const float* Gr, float* V, long n, double lr, double mom, double wd) {
    for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
        for (long i = lo; i < hi; i++) hhnn_sgd_step(i, P, Gr, V, lr, mom, wd, MOMENTUM, NESTEROV);
    });
}

HHNN_JNI(void, sgdUpdate)(JNIEnv* env, jobject, jlong param, jlong grad, jlong velocity, jlong n,
                          jfloat lr, jfloat momentum, jfloat weightDecay, jboolean nesterov) {
    guard(env, "sgdUpdate", [&] {
        float* P = fp(param);   // (n)
        const float* Gr = fp(grad);   // (n)
        float* V = fp(velocity);   // (n), unused (may be 0) when momentum == 0
        if (momentum == 0.f) sgd_t<false, false>(P, Gr, V, n, lr, momentum, weightDecay);
        else if (nesterov) sgd_t<true, true>(P, Gr, V, n, lr, momentum, weightDecay);
        else sgd_t<true, false>(P, Gr, V, n, lr, momentum, weightDecay);
    });
}

template <bool DECOUPLED>
static void adam_t(float* P, const float* Gr, float* M, float* V, long n, double lr, double b1, double b2,
                   double eps, double wd, double bc1, double bc2) {
    for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
        for (long i = lo; i < hi; i++) hhnn_adam_step(i, P, Gr, M, V, lr, b1, b2, eps, wd, DECOUPLED, bc1, bc2);
    });
}

HHNN_JNI(void, adamUpdate)(JNIEnv* env, jobject, jlong param, jlong grad, jlong m, jlong v, jlong n, jfloat lr,
                           jfloat beta1, jfloat beta2, jfloat eps, jfloat weightDecay, jboolean decoupled, jint step) {
    guard(env, "adamUpdate", [&] {
        float* P = fp(param);   // (n)
        const float* Gr = fp(grad);   // (n)
        float* M = fp(m);   // (n) first moment
        float* V = fp(v);   // (n) second moment
        double bc1 = 1 - pow((double)beta1, step), bc2 = 1 - pow((double)beta2, step);   // step is 1-based
        if (decoupled) adam_t<true>(P, Gr, M, V, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        else adam_t<false>(P, Gr, M, V, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    });
}
