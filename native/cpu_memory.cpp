// native/cpu_memory.cpp — off-heap float buffers: 64-byte-aligned zeroed alloc, free, upload/download, copy, fill.
// Large blocks are recycled: a training step allocates the same shapes every step, and a fresh block of megabytes
// comes from mmap, costing a page fault and a kernel page clear per 4 KB (≈15% of W4's time before this cache).
// Java twin: CpuBackend.alloc/free/upload/download/copy/fill (ReferenceBackend for the semantics).
// Tested by: CpuParityTest (memory round trips, copy, fill, double free).
#include <stdlib.h>
#include <string.h>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>
#include "cpu_parallel.h"
#include "jni_util.h"

using namespace hhnn;

// 64 bytes = one cache line = one AVX-512 vector: aligned loads, no false sharing at buffer starts.
static constexpr size_t kAlign = 64;

namespace {

// Freed blocks of at least kCacheMin bytes wait here, by exact size, for the next allocation of that size, up to
// kCacheMax bytes in all (beyond it a freed block goes back to the C library). Below kCacheMin malloc's own free
// lists already reuse memory.
constexpr size_t kCacheMin = size_t(1) << 18, kCacheMax = size_t(256) << 20;
std::mutex g_cache_mu;   // Java may allocate and free from any thread
std::unordered_map<size_t, std::vector<void*>> g_cache;
size_t g_cached = 0;

size_t block_bytes(long long n) {
    size_t bytes = ((size_t)n * sizeof(float) + kAlign - 1) / kAlign * kAlign;
    return bytes == 0 ? kAlign : bytes;   // a real, freeable address even for an empty buffer
}

void* cache_take(size_t bytes) {
    if (bytes < kCacheMin) return nullptr;
    std::lock_guard<std::mutex> lock(g_cache_mu);
    auto it = g_cache.find(bytes);
    if (it == g_cache.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    g_cached -= bytes;
    return p;
}

bool cache_put(void* p, size_t bytes) {
    if (bytes < kCacheMin) return false;
    std::lock_guard<std::mutex> lock(g_cache_mu);
    if (g_cached + bytes > kCacheMax) return false;
    g_cache[bytes].push_back(p);   // may throw bad_alloc: the caller frees instead
    g_cached += bytes;
    return true;
}

}  // namespace

HHNN_JNI(jlong, alloc)(JNIEnv* env, jclass, jlong n, jboolean zero) {
    return guard(env, "alloc", [&]() -> jlong {
        if (n < 0 || (unsigned long long)n > (SIZE_MAX - kAlign) / sizeof(float))
            throw IllegalArgument("cannot allocate " + std::to_string(n) + " floats");
        size_t bytes = block_bytes(n);
        float* p = static_cast<float*>(cache_take(bytes));
        if (p == nullptr) p = static_cast<float*>(aligned_alloc(kAlign, bytes));
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

HHNN_JNI(void, free)(JNIEnv*, jclass, jlong address, jlong n) {
    bool kept = false;
    try {
        kept = n >= 0 && cache_put(fp(address), block_bytes(n));
    } catch (...) {   // no room for the cache entry: free the block instead
    }
    if (!kept) ::free(fp(address));
}

HHNN_JNI(void, upload)(JNIEnv* env, jobject, jfloatArray src, jlong dst) {
    guard(env, "upload", [&] {
        env->GetFloatArrayRegion(src, 0, env->GetArrayLength(src), fp(dst));
        check_jni(env);
    });
}

HHNN_JNI(void, download)(JNIEnv* env, jobject, jlong src, jfloatArray dst) {
    guard(env, "download", [&] {
        env->SetFloatArrayRegion(dst, 0, env->GetArrayLength(dst), fp(src));
        check_jni(env);
    });
}

HHNN_JNI(void, copy)(JNIEnv* env, jobject, jlong src, jlong srcOff, jlong dst, jlong dstOff, jlong n) {
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

HHNN_JNI(void, fill)(JNIEnv* env, jobject, jlong dst, jfloat value, jlong n) {
    guard(env, "fill", [&] {
        float* d = fp(dst);
        for_chunks(n, [=](long lo, long hi) {
#pragma omp simd
            for (long i = lo; i < hi; i++) d[i] = value;
        }, kParallelMinMem);
    });
}
