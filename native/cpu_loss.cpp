// native/cpu_loss.cpp — softmax cross-entropy (+ backward, + both fused), inverted dropout, layer norm (+ backward).
// Java twin: CpuBackend / ReferenceBackend methods of the same names; softmax's math in kernels/softmax.cuh, layer
// norm's in kernels/norm.cuh, dropout's generator in kernels/random.cuh.
// Tested by: CpuParityTest (softmaxCrossEntropy*, dropout masks bit-identical, layerNorm*, bad labels).
#include <math.h>
#include <vector>
#include "cpu_parallel.h"
#include "jni_util.h"
#include "norm.cuh"
#include "random.cuh"
#include "softmax.cuh"

using namespace hhnn;

// f(r, in row, out row, label) for every row in parallel, with the labels copied out of the Java array first
// (CheckedBackend has checked rows <= its length, and for the forward and the fused primitive every label in [0, cols)).
template <class F>
static void for_label_rows(JNIEnv* env, jintArray labels, jint rows, jint cols, jlong in, jlong out, F&& f) {
    std::vector<jint> lab((size_t)rows);
    env->GetIntArrayRegion(labels, 0, rows, lab.data());
    check_jni(env);
    const float* I = fp(in);   // (rows, cols)
    float* O = fp(out);   // (rows, cols)
    const jint* lb = lab.data();
    for_rows(rows, cols, [=](int r) { f(r, I + (long)r * cols, O + (long)r * cols, (int)lb[r]); });
}

HHNN_JNI(void, softmaxCrossEntropy)(JNIEnv* env, jobject, jlong logits, jintArray labels, jlong probs, jlong loss,
                                    jint rows, jint cols) {
    guard(env, "softmaxCrossEntropy", [&] {
        float* O = fp(loss);   // (rows)
        for_label_rows(env, labels, rows, cols, logits, probs, [=](int r, const float* lr, float* pr, int label) {
            O[r] = hhnn_softmax_xent_row(lr, pr, cols, label);
        });
    });
}

// As the reference, a label outside [0, cols) just matches no column (the forward rejects it).
HHNN_JNI(void, softmaxCrossEntropyBackward)(JNIEnv* env, jobject, jlong probs, jintArray labels, jfloat scale,
                                            jlong dlogits, jint rows, jint cols) {
    guard(env, "softmaxCrossEntropyBackward", [&] {
        for_label_rows(env, labels, rows, cols, probs, dlogits, [=](int, const float* pr, float* dr, int label) {
#pragma omp simd
            for (int j = 0; j < cols; j++) dr[j] = (float)((double)scale * ((double)pr[j] - (j == label ? 1.0 : 0.0)));
        });
    });
}

// The forward and backward fused (hhnn_softmax_xent_grad_row); dlogits may alias logits.
HHNN_JNI(void, softmaxCrossEntropyGrad)(JNIEnv* env, jobject, jlong logits, jintArray labels, jfloat scale, jlong loss,
                                        jlong dlogits, jint rows, jint cols) {
    guard(env, "softmaxCrossEntropyGrad", [&] {
        float* O = fp(loss);   // (rows)
        for_label_rows(env, labels, rows, cols, logits, dlogits, [=](int r, const float* lr, float* dr, int label) {
            O[r] = hhnn_softmax_xent_grad_row(lr, dr, cols, label, scale);
        });
    });
}

HHNN_JNI(void, dropout)(JNIEnv* env, jobject, jlong x, jlong mask, jlong y, jfloat p, jlong seed, jlong n) {
    guard(env, "dropout", [&] {
        const float* X = fp(x);   // (n)
        float* M = fp(mask);   // (n)
        float* Y = fp(y);   // (n)
        float keep = (float)(1.0 / (1.0 - (double)p));   // rounded once, as the reference
        uint64_t s = (uint64_t)seed;
        for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
            for (long i = lo; i < hi; i++) {
                float m = hhnn_uniform(s, (uint64_t)i) >= p ? keep : 0.f;
                M[i] = m;
                Y[i] = X[i] * m;
            }
        });
    });
}

// Per row (hhnn_layer_norm_row): y = (x - mean) rstd gamma + beta, the row's mean and rstd stored.
HHNN_JNI(void, layerNorm)(JNIEnv* env, jobject, jlong x, jlong gamma, jlong beta, jlong y, jlong mean, jlong rstd,
                          jint rows, jint cols, jfloat eps) {
    guard(env, "layerNorm", [&] {
        const float* X = fp(x);   // (rows, cols)
        const float* G = fp(gamma);   // (cols)
        const float* B = fp(beta);   // (cols)
        float* Y = fp(y);   // (rows, cols)
        float* MU = fp(mean);   // (rows)
        float* RS = fp(rstd);   // (rows)
        for_rows(rows, cols, [=](int r) {
            long o = (long)r * cols;
            hhnn_layer_norm_row(X + o, G, B, Y + o, cols, eps, MU + r, RS + r);
        });
    });
}

// dx per row (hhnn_layer_norm_dx_row); dgamma += sum_r dy xhat, dbeta += sum_r dy. The column sums run first (column blocks, rows in order:
// deterministic for any thread count), then dx row by row, so even dx aliasing dy would be safe.
HHNN_JNI(void, layerNormBackward)(JNIEnv* env, jobject, jlong x, jlong gamma, jlong mean, jlong rstd, jlong dy,
                                  jlong dx, jlong dgamma, jlong dbeta, jint rows, jint cols) {
    guard(env, "layerNormBackward", [&] {
        const float* X = fp(x);   // (rows, cols)
        const float* G = fp(gamma);   // (cols)
        const float* MU = fp(mean);   // (rows)
        const float* RS = fp(rstd);   // (rows)
        const float* DY = fp(dy);   // (rows, cols)
        float* DX = fp(dx);   // (rows, cols)
        float* DG = fp(dgamma);   // (cols), accumulated
        float* DB = fp(dbeta);   // (cols), accumulated
        for_col_blocks(rows, cols, [=](int c0, int c1) {
            double dg[kColBlock] = {}, db[kColBlock] = {};
            int w = c1 - c0;
            for (int r = 0; r < rows; r++) {
                const float* xr = X + (long)r * cols + c0;
                const float* dyr = DY + (long)r * cols + c0;
                double mu = MU[r], rs = RS[r];
#pragma omp simd
                for (int j = 0; j < w; j++) {
                    dg[j] += dyr[j] * hhnn_layer_norm_xhat(xr[j], mu, rs);
                    db[j] += dyr[j];
                }
            }
            for (int j = 0; j < w; j++) {
                DG[c0 + j] = (float)(DG[c0 + j] + dg[j]);
                DB[c0 + j] = (float)(DB[c0 + j] + db[j]);
            }
        });
        for_rows(rows, cols, [=](int r) {
            long o = (long)r * cols;
            hhnn_layer_norm_dx_row(X + o, DY + o, G, MU[r], RS[r], DX + o, cols);
        });
    });
}
