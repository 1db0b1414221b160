// native/cpu_loss.cpp — softmax cross-entropy (+ backward), inverted dropout, layer norm (+ backward).
// Java twin: CpuBackend / ReferenceBackend methods of the same names; layer norm's math in kernels/norm.cuh, dropout's
// generator in kernels/random.cuh.
// Tested by: CpuParityTest (softmaxCrossEntropy*, dropout masks bit-identical, layerNorm*, bad labels).
#include <math.h>
#include <string>
#include <vector>
#include "cpu_parallel.h"
#include "jni_util.h"
#include "norm.cuh"
#include "random.cuh"

using namespace hhnn;

// Copies rows labels out of the Java array (rows <= its length is checked in Java).
static std::vector<jint> read_labels(JNIEnv* env, jintArray labels, jint rows) {
    std::vector<jint> out((size_t)rows);
    env->GetIntArrayRegion(labels, 0, rows, out.data());
    check_jni(env);
    return out;
}

HHNN_JNI(void, softmaxCrossEntropy)(JNIEnv* env, jobject, jlong logits, jintArray labels, jlong probs, jlong loss,
                                    jint rows, jint cols) {
    guard(env, "softmaxCrossEntropy", [&] {
        std::vector<jint> lab = read_labels(env, labels, rows);   // (rows)
        for (jint r = 0; r < rows; r++)   // before any write, so a bad batch leaves the outputs untouched
            if (lab[r] < 0 || lab[r] >= cols)
                throw IllegalArgument("label " + std::to_string(lab[r]) + " at row " + std::to_string(r) +
                                      " is outside [0, " + std::to_string(cols) + ")");
        const float* L = fp(logits);   // (rows, cols)
        float* P = fp(probs);   // (rows, cols)
        float* O = fp(loss);   // (rows)
        const jint* lb = lab.data();
        for_rows(rows, cols, [=](int r) {
            const float* lr = L + (long)r * cols;
            float* pr = P + (long)r * cols;
            float mx = -INFINITY;
            for (int j = 0; j < cols; j++) mx = lr[j] > mx ? lr[j] : mx;   // a NaN logit still poisons z below
            // e_j = exp(l_j - max) <= 1, summed in double; p_j = e_j / z costs one exp per element.
            double z = 0.0;
#pragma omp simd reduction(+ : z)
            for (int j = 0; j < cols; j++) {
                float e = expf(lr[j] - mx);
                pr[j] = e;
                z += e;
            }
            double inv = 1.0 / z;
#pragma omp simd
            for (int j = 0; j < cols; j++) pr[j] = (float)(pr[j] * inv);
            double logZ = (double)mx + log(z);
            O[r] = (float)(logZ - lr[lb[r]]);
        });
    });
}

HHNN_JNI(void, softmaxCrossEntropyBackward)(JNIEnv* env, jobject, jlong probs, jintArray labels, jfloat scale,
                                            jlong dlogits, jint rows, jint cols) {
    guard(env, "softmaxCrossEntropyBackward", [&] {
        std::vector<jint> lab = read_labels(env, labels, rows);   // (rows)
        const float* P = fp(probs);   // (rows, cols)
        float* D = fp(dlogits);   // (rows, cols)
        const jint* lb = lab.data();
        // As the reference, a label outside [0, cols) just matches no column (the forward rejects it).
        for_rows(rows, cols, [=](int r) {
            const float* pr = P + (long)r * cols;
            float* dr = D + (long)r * cols;
            int label = lb[r];
#pragma omp simd
            for (int j = 0; j < cols; j++) dr[j] = (float)((double)scale * ((double)pr[j] - (j == label ? 1.0 : 0.0)));
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
