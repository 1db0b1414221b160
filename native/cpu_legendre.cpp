// native/cpu_legendre.cpp — Legendre activations: per-neuron forward/backward, the dense ("KAN") basis expansion
// and its backward, and the per-neuron readout of a basis (the HH layer's y = Σ_k basisSum_k·A_k) with its backward.
// Math: kernels/legendre.cuh. Java twin: CheckedBackend (validation) ↔ Backend.legendre*, neuronReadout*, reference
// ReferenceLegendre. Tested by: LegendreParityTest
// (mvn -B -o test -pl java -Dtest=LegendreParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// Layout: work is cut into tiles of one row (or RB rows) × CB contiguous columns; inside a tile the degree loop runs
// outside an `omp simd` loop over the columns (a k-loop inside the column loop would not vectorise), so each P_k is
// one vector pass over arrays that stay in L1. Gradients summed over rows (dCoeffs) are summed per tile in float
// and then over tiles in double in a fixed order: the bits do not depend on the thread count.
// FP traps are never unmasked, so no operation can trap: saying so lets GCC if-convert the clamp-edge selects into
// blends (it would otherwise keep branches and leave the dx loops scalar outside AVX-512). Results are unchanged.
#pragma GCC optimize("no-trapping-math")
#include <vector>
#include "cpu_parallel.h"
#include "jni_util.h"
#include "legendre.cuh"

using namespace hhnn;


namespace {

constexpr int CB = 256;   // columns per tile
constexpr int RB = 256;   // rows per backward tile: how many rows one float partial of dCoeffs sums
constexpr int EB = 64;    // elements per block of the basis expansion

// Runs f(i) for i in [0, n) in parallel when the whole job (work elements) pays for the threads.
template <class F>
void parallel_for(long n, long work, F&& f) {
    bool par = n > 1 && work >= kParallelMin && threads() > 1;
#pragma omp parallel for schedule(static) num_threads(threads()) if (par)
    for (long i = 0; i < n; i++) f(i);
}

// b_k of the recurrence for k = 0..D (D has no upper bound here, so on the heap).
struct Recurrence {
    std::vector<float> b;
    explicit Recurrence(int D) : b(D + 1) {
        for (int k = 0; k <= D; k++) b[k] = legendre_b(k);
    }
};

// coeffs (cols, K) → cT (K, cols), so that a column tile reads each degree's coefficients contiguously.
std::vector<float> transpose(const float* C, int cols, int K) {
    std::vector<float> t((size_t)cols * K);
    for (int j = 0; j < cols; j++)
        for (int k = 0; k < K; k++) t[(size_t)k * cols + j] = C[(size_t)j * K + k];
    return t;
}

// y[j] = Σ_k c_k[j] P_k(clamp x[j]) for the n ≤ CB columns of one row tile; cT points at column 0 of the tile
// with row stride cols.
HHNN_SIMD_CLONES void forward_tile(const float* X, const float* cT, float* Y, int n, long cols, int D,
                                   const float* b) {
    float x[CB], pk[CB], pkm1[CB], y[CB];
#pragma omp simd
    for (int j = 0; j < n; j++) {
        x[j] = legendre_clamp(X[j]);
        pk[j] = x[j]; pkm1[j] = 1.f;
        y[j] = cT[j];   // c_0 · P_0
    }
    for (int q = 1; q <= D; q++) {
        const float* cq = cT + q * cols;
#pragma omp simd
        for (int j = 0; j < n; j++) {
            y[j] += cq[j] * pk[j];
            float pn = legendre_step(b[q], x[j], pk[j], pkm1[j]);
            pkm1[j] = pk[j]; pk[j] = pn;
        }
    }
#pragma omp simd
    for (int j = 0; j < n; j++) Y[j] = y[j];
}

// One backward tile of rows × n columns: dx = dy·Σ_k c_k P_k'(x) (0 where |x| > 1) and part[k·cols + j] +=
// Σ_rows dy·P_k(clamp x), part being this row chunk's (K, cols) slice at the tile's first column.
HHNN_SIMD_CLONES void backward_tile(const float* X, const float* DY, float* DX, const float* cT, float* part,
                                    int rows, int n, long cols, int D, const float* b) {
    float x[CB], g[CB], pk[CB], pkm1[CB], dpk[CB], dpkm1[CB], s[CB];
    for (int r = 0; r < rows; r++) {
        const float* xr = X + r * cols;
        const float* gr = DY + r * cols;
#pragma omp simd
        for (int j = 0; j < n; j++) {
            x[j] = legendre_clamp(xr[j]);
            g[j] = gr[j];
            pk[j] = x[j]; pkm1[j] = 1.f;     // P_1, P_0
            dpk[j] = 1.f; dpkm1[j] = 0.f;    // P'_1, P'_0
            s[j] = 0.f;
            part[j] += g[j];                 // k = 0: P_0 = 1
        }
        for (int q = 1; q <= D; q++) {       // at entry pk = P_q, dpk = P'_q
            const float* cq = cT + q * cols;
            float* pq = part + q * cols;
#pragma omp simd
            for (int j = 0; j < n; j++) {
                s[j] += cq[j] * dpk[j];
                pq[j] += g[j] * pk[j];
                float pn = legendre_step(b[q], x[j], pk[j], pkm1[j]);
                float dpn = legendre_next_grad(q, pk[j], dpkm1[j]);
                pkm1[j] = pk[j]; pk[j] = pn;
                dpkm1[j] = dpk[j]; dpk[j] = dpn;
            }
        }
        float* dxr = DX + r * cols;
#pragma omp simd
        for (int j = 0; j < n; j++) dxr[j] = legendre_inside(xr[j]) ? g[j] * s[j] : 0.f;
    }
}

// basis[i, k] = P_k(clamp x[i]) for the n ≤ EB elements of a block (the store is strided by K).
HHNN_SIMD_CLONES void basis_block(const float* X, float* B, int n, int D, const float* b) {
    const long K = D + 1;
    float x[EB], pk[EB], pkm1[EB];
#pragma omp simd
    for (int i = 0; i < n; i++) {
        x[i] = legendre_clamp(X[i]);
        pk[i] = x[i]; pkm1[i] = 1.f;
        B[i * K] = 1.f;
    }
    for (int q = 1; q <= D; q++) {
#pragma omp simd
        for (int i = 0; i < n; i++) {
            B[i * K + q] = pk[i];
            float pn = legendre_step(b[q], x[i], pk[i], pkm1[i]);
            pkm1[i] = pk[i]; pk[i] = pn;
        }
    }
}

// dx[i] = Σ_k dBasis[i, k] P_k'(x[i]) (0 where |x| > 1) for the n ≤ EB elements of a block.
HHNN_SIMD_CLONES void basis_backward_block(const float* X, const float* DB, float* DX, int n, int D, const float* b) {
    const long K = D + 1;
    float x[EB], pk[EB], pkm1[EB], dpk[EB], dpkm1[EB], s[EB];
#pragma omp simd
    for (int i = 0; i < n; i++) {
        x[i] = legendre_clamp(X[i]);
        pk[i] = x[i]; pkm1[i] = 1.f;
        dpk[i] = 1.f; dpkm1[i] = 0.f;
        s[i] = 0.f;
    }
    for (int q = 1; q <= D; q++) {
#pragma omp simd
        for (int i = 0; i < n; i++) {
            s[i] += DB[i * K + q] * dpk[i];
            float pn = legendre_step(b[q], x[i], pk[i], pkm1[i]);
            float dpn = legendre_next_grad(q, pk[i], dpkm1[i]);
            pkm1[i] = pk[i]; pk[i] = pn;
            dpkm1[i] = dpk[i]; dpk[i] = dpn;
        }
    }
#pragma omp simd
    for (int i = 0; i < n; i++) DX[i] = legendre_inside(X[i]) ? s[i] : 0.f;
}

}  // namespace

HHNN_JNI(void, legendreForward)(JNIEnv* env, jobject, jlong x, jlong coeffs, jlong y, jint rows, jint cols,
                                jint degree) {
    guard(env, "legendreForward", [&] {
        const float* X = fp(x);   // (rows, cols)
        float* Y = fp(y);         // (rows, cols)
        const int D = degree, K = D + 1;
        Recurrence rc(D);
        std::vector<float> cT = transpose(fp(coeffs), cols, K);   // (K, cols)
        long tilesPerRow = (cols + CB - 1) / CB;
        const float* ct = cT.data();
        parallel_for((long)rows * tilesPerRow, (long)rows * cols * K, [&](long t) {
            long r = t / tilesPerRow, c0 = (t % tilesPerRow) * CB;
            int n = (int)(cols - c0 < CB ? cols - c0 : CB);
            forward_tile(X + r * cols + c0, ct + c0, Y + r * cols + c0, n, cols, D, rc.b.data());
        });
    });
}

HHNN_JNI(void, legendreBackward)(JNIEnv* env, jobject, jlong x, jlong coeffs, jlong dy, jlong dx, jlong dCoeffs,
                                 jint rows, jint cols, jint degree) {
    guard(env, "legendreBackward", [&] {
        const float* X = fp(x);     // (rows, cols)
        const float* DY = fp(dy);   // (rows, cols)
        float* DX = fp(dx);         // (rows, cols)
        const int D = degree, K = D + 1;
        Recurrence rc(D);
        std::vector<float> cT = transpose(fp(coeffs), cols, K);   // (K, cols)
        long chunks = (rows + RB - 1) / RB, tilesPerChunk = (cols + CB - 1) / CB;
        std::vector<float> part((size_t)chunks * K * cols);        // (chunks, K, cols) float partials of dCoeffs
        const float* ct = cT.data();
        float* pt = part.data();
        parallel_for(chunks * tilesPerChunk, (long)rows * cols * K, [&](long t) {
            long ch = t / tilesPerChunk, r0 = ch * RB, c0 = (t % tilesPerChunk) * CB;
            int nr = (int)(rows - r0 < RB ? rows - r0 : RB), n = (int)(cols - c0 < CB ? cols - c0 : CB);
            long off = r0 * cols + c0;
            backward_tile(X + off, DY + off, DX + off, ct + c0, pt + ch * K * cols + c0, nr, n, cols, D,
                          rc.b.data());
        });
        if (dCoeffs) {   // dCoeffs[j, k] += Σ_chunks part, chunks in order
            float* DC = fp(dCoeffs);   // (cols, K)
            parallel_for(cols, (long)chunks * cols * K, [&](long j) {
                for (int k = 0; k < K; k++) {
                    double s = 0;
                    for (long ch = 0; ch < chunks; ch++) s += pt[(ch * K + k) * cols + j];
                    DC[j * K + k] = (float)(DC[j * K + k] + s);
                }
            });
        }
    });
}

// f(i0, m, recurrence table) for the blocks of EB elements (m in the last one may be fewer) of the n = rows·cols
// elements, in parallel: the basis primitives expand each element on its own.
template <class F>
static void for_element_blocks(jint rows, jint cols, int D, F&& f) {
    Recurrence rc(D);
    const float* rb = rc.b.data();
    long n = (long)rows * cols, blocks = (n + EB - 1) / EB;
    parallel_for(blocks, n * (D + 1), [&](long blk) {
        long i0 = blk * EB;
        f(i0, (int)(n - i0 < EB ? n - i0 : EB), rb);
    });
}

HHNN_JNI(void, legendreBasis)(JNIEnv* env, jobject, jlong x, jlong basis, jint rows, jint cols, jint degree) {
    guard(env, "legendreBasis", [&] {
        const float* X = fp(x);   // (rows, cols)
        float* B = fp(basis);     // (rows, cols, D+1)
        const int D = degree;
        for_element_blocks(rows, cols, D, [&](long i0, int m, const float* rb) {
            basis_block(X + i0, B + i0 * (D + 1), m, D, rb);
        });
    });
}

HHNN_JNI(void, legendreBasisBackward)(JNIEnv* env, jobject, jlong x, jlong dBasis, jlong dx, jint rows, jint cols,
                                      jint degree) {
    guard(env, "legendreBasisBackward", [&] {
        const float* X = fp(x);         // (rows, cols)
        const float* DB = fp(dBasis);   // (rows, cols, D+1)
        float* DX = fp(dx);             // (rows, cols)
        const int D = degree;
        for_element_blocks(rows, cols, D, [&](long i0, int m, const float* rb) {
            basis_backward_block(X + i0, DB + i0 * (D + 1), DX + i0, m, D, rb);
        });
    });
}

HHNN_JNI(void, neuronReadout)(JNIEnv* env, jobject, jlong basis, jlong coeffs, jlong y, jint batch, jint neurons,
                              jint k) {
    guard(env, "neuronReadout", [&] {
        const float* B = fp(basis);    // (batch, neurons, k)
        const float* C = fp(coeffs);   // (neurons, k)
        float* Y = fp(y);              // (batch, neurons)
        parallel_for(batch, (long)batch * neurons * k, [&](long b) {
            for (long j = 0; j < neurons; j++) {
                const float* br = B + (b * neurons + j) * k;
                const float* cr = C + j * k;
                double s = 0;
                for (int q = 0; q < k; q++) s += (double)br[q] * cr[q];
                Y[b * neurons + j] = (float)s;
            }
        });
    });
}

// dBasis[b, j, k] = dy[b, j]·coeffs[j, k]; dCoeffs[j, k] += Σ_b dy[b, j]·basis[b, j, k], each neuron's sum taken
// by one thread over b in order (double).
HHNN_JNI(void, neuronReadoutBackward)(JNIEnv* env, jobject, jlong basis, jlong coeffs, jlong dy, jlong dBasis,
                                      jlong dCoeffs, jint batch, jint neurons, jint k) {
    guard(env, "neuronReadoutBackward", [&] {
        const float* B = fp(basis);    // (batch, neurons, k)
        const float* C = fp(coeffs);   // (neurons, k)
        const float* DY = fp(dy);      // (batch, neurons)
        long work = (long)batch * neurons * k;
        if (dBasis) {
            float* DB = fp(dBasis);    // (batch, neurons, k)
            parallel_for(batch, work, [&](long b) {
                for (long j = 0; j < neurons; j++) {
                    float g = DY[b * neurons + j];
                    for (int q = 0; q < k; q++) DB[(b * neurons + j) * k + q] = g * C[j * k + q];
                }
            });
        }
        if (dCoeffs) {
            float* DC = fp(dCoeffs);   // (neurons, k)
            const long NB = 64;        // neurons per task
            std::vector<double> acc((size_t)neurons * k);
            double* ac = acc.data();
            parallel_for((neurons + NB - 1) / NB, work, [&](long t) {
                long j0 = t * NB, j1 = j0 + NB < neurons ? j0 + NB : neurons;
                for (long b = 0; b < batch; b++)
                    for (long j = j0; j < j1; j++) {
                        double g = DY[b * neurons + j];
                        for (int q = 0; q < k; q++) ac[j * k + q] += g * B[(b * neurons + j) * k + q];
                    }
                for (long i = j0 * k; i < j1 * k; i++) DC[i] = (float)(DC[i] + ac[i]);
            });
        }
    });
}
