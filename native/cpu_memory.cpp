// native/cpu_memory.cpp — off-heap float buffers: 64-byte-aligned zeroed alloc, free, upload/download, copy, fill.
// Java twin: CpuBackend.alloc/free/upload/download/copy/fill (ReferenceBackend for the semantics).
// Tested by: CpuParityTest (memory round trips, copy, fill, double free).
#include <stdlib.h>
#include <string.h>
#include <string>
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

// 64 bytes = one cache line = one AVX-512 vector: aligned loads, no false sharing at buffer starts.
static constexpr size_t kAlign = 64;

HHNN_JNI(jlong, alloc)(JNIEnv* env, jclass, jlong n, jboolean zero) {
    return guard(env, "alloc", [&]() -> jlong {
        if (n < 0 || (unsigned long long)n > (SIZE_MAX - kAlign) / sizeof(float))
            throw IllegalArgument("cannot allocate " + std::to_string(n) + " floats");
        size_t bytes = ((size_t)n * sizeof(float) + kAlign - 1) / kAlign * kAlign;
        if (bytes == 0) bytes = kAlign;   // a real, freeable address even for an empty buffer
        float* p = static_cast<float*>(aligned_alloc(kAlign, bytes));
        if (p == nullptr) {
            throw_java(env, "java/lang/OutOfMemoryError",
                       ("cpu backend: could not allocate " + std::to_string(n) + " floats (" + std::to_string(bytes) +
                        " bytes) of native memory").c_str());
            return 0;
        }
        // Zero in parallel for big buffers: also places pages near the threads that will use them.
        // Outputs that a primitive overwrites entirely skip it (Backend.allocUninitialized).
        if (zero)
            for_chunks(n, [=](long lo, long hi) { memset(p + lo, 0, (size_t)(hi - lo) * sizeof(float)); }, kParallelMinMem);
        return (jlong)(intptr_t)p;
    });
}

HHNN_JNI(void, free)(JNIEnv*, jclass, jlong address) { ::free(fp(address)); }

HHNN_JNI(void, upload)(JNIEnv* env, jclass, jfloatArray src, jlong dst) {
    guard(env, "upload", [&] {
        env->GetFloatArrayRegion(src, 0, env->GetArrayLength(src), fp(dst));
        check_jni(env);
    });
}

HHNN_JNI(void, download)(JNIEnv* env, jclass, jlong src, jfloatArray dst) {
    guard(env, "download", [&] {
        env->SetFloatArrayRegion(dst, 0, env->GetArrayLength(dst), fp(src));
        check_jni(env);
    });
}

HHNN_JNI(void, copy)(JNIEnv* env, jclass, jlong src, jlong srcOff, jlong dst, jlong dstOff, jlong n) {
    guard(env, "copy", [&] {
        const float* s = fp(src) + srcOff;
        float* d = fp(dst) + dstOff;
        if (s + n <= d || d + n <= s) {   // disjoint: chunks may run in parallel
            for_chunks(n, [=](long lo, long hi) { memcpy(d + lo, s + lo, (size_t)(hi - lo) * sizeof(float)); },
                       kParallelMinMem);
        } else {
            memmove(d, s, (size_t)n * sizeof(float));   // overlapping, as System.arraycopy allows
        }
    });
}

HHNN_JNI(void, fill)(JNIEnv* env, jclass, jlong dst, jfloat value, jlong n) {
    guard(env, "fill", [&] {
        float* d = fp(dst);
        for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
            for (long i = lo; i < hi; i++) d[i] = value;
        }, kParallelMinMem);
    });
}
