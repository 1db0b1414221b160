// native/cpu_runtime.cpp — the version stamp, threads (OpenMP + OpenBLAS), the BLAS description, and the self-test probe.
// Java twin: CpuBackend.threads/setThreads/blasInfo/isAvailable, NativeLoader (the version check).
// Tested by: CpuParityTest (threads, probe through isAvailable), NativeLoaderTest.
#include <cblas.h>
#include <omp.h>
#include <cmath>
#include <string>
#include "cpu_parallel.h"
#include "jni_util.h"

namespace hhnn {
// Starts at OpenMP's default (OMP_NUM_THREADS or the core count).
std::atomic<int> g_threads{omp_get_max_threads()};
}  // namespace hhnn

using namespace hhnn;

// The version CMake stamped in (HHNN_VERSION, from Maven's project.version); NativeLoader refuses any other.
HHNN_JNI(jstring, version)(JNIEnv* env, jclass) { return env->NewStringUTF(HHNN_VERSION); }

HHNN_JNI(void, setThreads)(JNIEnv* env, jclass, jint n) {
    guard(env, "setThreads", [&] {
        if (n < 1) throw IllegalArgument("thread count must be >= 1, got " + std::to_string(n));
        g_threads.store(n);
        omp_set_num_threads(n);
        openblas_set_num_threads(n);
    });
}

HHNN_JNI(jint, threads)(JNIEnv*, jclass) { return threads(); }

HHNN_JNI(jstring, blasInfo)(JNIEnv* env, jclass) {
    return guard(env, "blasInfo", [&]() -> jstring {
        int mode = openblas_get_parallel();   // 0 sequential, 1 pthreads, 2 OpenMP
        std::string s = std::string(openblas_get_config()) + " (core " + openblas_get_corename() +
                        ", " + (mode == 2 ? "OpenMP" : mode == 1 ? "pthreads" : "sequential") + " build)";
        return env->NewStringUTF(s.c_str());
    });
}

// A tiny real run of the pieces the backend relies on: sgemm through cblas (row-major, with a NaN
// in C that beta = 0 must ignore) and an OpenMP reduction. Returns null when fine, else what failed.
HHNN_JNI(jstring, probe)(JNIEnv* env, jclass) {
    return guard(env, "probe", [&]() -> jstring {
        const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
        float c[4] = {NAN, 0, 0, 0};
        const float want[4] = {19, 22, 43, 50};
        sync_blas_threads();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.f, a, 2, b, 2, 0.f, c, 2);
        for (int i = 0; i < 4; i++)
            if (c[i] != want[i])
                return env->NewStringUTF(("cblas_sgemm of a 2x2 product gave " + std::to_string(c[i]) + " instead of " +
                                          std::to_string(want[i]) + " at index " + std::to_string(i)).c_str());
        long n = 100000;
        double s = reduce_chunks(n, [](long lo, long hi) { double t = 0; for (long i = lo; i < hi; i++) t += (double)i; return t; });
        if (s != (double)n * (n - 1) / 2)
            return env->NewStringUTF("an OpenMP reduction over 100000 elements gave a wrong sum");
        return nullptr;
    });
}
