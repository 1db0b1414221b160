// native/cpu_embedding.cpp — embedding lookup (rows of a table gathered by ids) and its scatter-add gradient.
// Java twin: CheckedBackend (validation, ids range-checked there and again here) ↔ Backend.embeddingForward /
// embeddingBackward, reference ReferenceModulated. Tested by: ModulatedParityTest
// (mvn -B -o test -pl java -Dtest=ModulatedParityTest -Dsurefire.failIfNoSpecifiedTests=false).
//
// The backward is deterministic: ids are grouped by a stable counting sort, then each distinct id's row of the
// table gets the sum of its positions' gradient rows, taken in position order in double by one task (tasks in
// parallel over distinct ids: no two write the same row, so no atomics and the same bits for any thread count).
#include <omp.h>
#include <string.h>
#include <string>
#include <vector>
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;


namespace {

std::vector<int> read_ids(JNIEnv* env, jintArray ids, int n, int vocab) {
    std::vector<int> v(n > 0 ? n : 1);
    if (n > 0) env->GetIntArrayRegion(ids, 0, n, v.data());
    check_jni(env);
    for (int i = 0; i < n; i++)
        if (v[i] < 0 || v[i] >= vocab)
            throw IllegalArgument("id " + std::to_string(v[i]) + " at position " + std::to_string(i) +
                                  " is outside [0, " + std::to_string(vocab) + ")");
    return v;
}

}  // namespace

HHNN_JNI(void, embeddingForward)(JNIEnv* env, jobject, jlong table, jintArray ids, jlong out, jint n, jint vocab,
                                 jint dim) {
    guard(env, "embeddingForward", [&] {
        std::vector<int> id = read_ids(env, ids, n, vocab);
        const float* T = fp(table);   // (vocab, dim)
        float* O = fp(out);           // (n, dim)
        const int* ip = id.data();
        for_rows(n, dim, [=](int i) { memcpy(O + (long)i * dim, T + (long)ip[i] * dim, dim * sizeof(float)); },
                 kParallelMinMem);
    });
}

HHNN_JNI(void, embeddingBackward)(JNIEnv* env, jobject, jintArray ids, jlong dOut, jlong dTable, jint n, jint vocab,
                                  jint dim) {
    guard(env, "embeddingBackward", [&] {
        std::vector<int> id = read_ids(env, ids, n, vocab);
        const float* G = fp(dOut);   // (n, dim)
        float* DT = fp(dTable);      // (vocab, dim), accumulated
        // Stable counting sort: start[r] .. start[r+1] are the positions of id r, in increasing order.
        std::vector<int> start(vocab + 1, 0), pos(n > 0 ? n : 1), uniq;
        for (int i = 0; i < n; i++) start[id[i] + 1]++;
        for (int r = 0; r < vocab; r++) {
            if (start[r + 1] > 0) uniq.push_back(r);
            start[r + 1] += start[r];
        }
        std::vector<int> fill(start.begin(), start.end() - 1);
        for (int i = 0; i < n; i++) pos[fill[id[i]]++] = i;
        int nt = threads();
        std::vector<double> acc((size_t)nt * (dim > 0 ? dim : 1));   // one row of sums per thread
        const int* sp = start.data();
        const int* pp = pos.data();
        const int* up = uniq.data();
        double* ap = acc.data();
        long nu = (long)uniq.size();
        bool par = nu > 1 && (long)n * dim >= kParallelMinMem && nt > 1;   // one add per element: memory-bound
#pragma omp parallel for schedule(static) num_threads(nt) if (par)
        for (long k = 0; k < nu; k++) {
            int r = up[k];
            double* s = ap + (size_t)(par ? omp_get_thread_num() : 0) * dim;
            for (int d = 0; d < dim; d++) s[d] = 0.0;
            for (int q = sp[r]; q < sp[r + 1]; q++) {
                const float* g = G + (long)pp[q] * dim;
#pragma omp simd
                for (int d = 0; d < dim; d++) s[d] += g[d];
            }
            float* dt = DT + (long)r * dim;
#pragma omp simd
            for (int d = 0; d < dim; d++) dt[d] = (float)(dt[d] + s[d]);
        }
    });
}
