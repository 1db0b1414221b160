// native/emu_memory.cpp — the EmulatedDevice's "device" memory: 256-byte-aligned host allocations (cuMemAlloc's
// alignment), memset, host<->device and device<->device copies. Caching happens above, in Java (AbstractDevice).
// Java twin: org.hhnn.backend.cuda.EmuNative / EmulatedDevice (JCudaDevice: cuMemAlloc, cuMemsetD8, cuMemcpy*).
// Tested by: CudaEmulatedParityTest (memory round trips, copy, fill).
#include <stdlib.h>
#include <string.h>
#include <string>
#include "cpu_parallel.h"
#include "emu_jni.h"

using namespace hhnn;

static constexpr size_t kDeviceAlign = 256;

HHNN_EMU_JNI(jlong, alloc)(JNIEnv* env, jclass, jlong bytes) {
    return guard(env, "cuda-emulated alloc", [&]() -> jlong {
        if (bytes <= 0 || (unsigned long long)bytes > SIZE_MAX - kDeviceAlign)
            throw IllegalArgument("cannot allocate " + std::to_string(bytes) + " bytes");
        size_t size = ((size_t)bytes + kDeviceAlign - 1) / kDeviceAlign * kDeviceAlign;
        void* p = aligned_alloc(kDeviceAlign, size);
        if (p == nullptr) {
            throw_java(env, "java/lang/OutOfMemoryError",
                       ("cuda-emulated: could not allocate " + std::to_string(bytes) + " bytes of emulated device memory").c_str());
            return 0;
        }
        return (jlong)(intptr_t)p;
    });
}

HHNN_EMU_JNI(void, free)(JNIEnv*, jclass, jlong address) { ::free(dp(address)); }

HHNN_EMU_JNI(void, memsetZero)(JNIEnv* env, jclass, jlong address, jlong bytes) {
    guard(env, "cuda-emulated memset", [&] {
        char* p = static_cast<char*>(dp(address));
        for_chunks(bytes, [=](long lo, long hi) { memset(p + lo, 0, (size_t)(hi - lo)); });
    });
}

HHNN_EMU_JNI(void, uploadFloats)(JNIEnv* env, jclass, jfloatArray src, jlong dst) {
    guard(env, "cuda-emulated upload", [&] {
        env->GetFloatArrayRegion(src, 0, env->GetArrayLength(src), static_cast<jfloat*>(dp(dst)));
        check_jni(env);
    });
}

HHNN_EMU_JNI(void, uploadInts)(JNIEnv* env, jclass, jintArray src, jint count, jlong dst) {
    guard(env, "cuda-emulated upload", [&] {
        env->GetIntArrayRegion(src, 0, count, static_cast<jint*>(dp(dst)));
        check_jni(env);
    });
}

HHNN_EMU_JNI(void, downloadFloats)(JNIEnv* env, jclass, jlong src, jfloatArray dst) {
    guard(env, "cuda-emulated download", [&] {
        env->SetFloatArrayRegion(dst, 0, env->GetArrayLength(dst), static_cast<const jfloat*>(dp(src)));
        check_jni(env);
    });
}

HHNN_EMU_JNI(void, downloadDoubles)(JNIEnv* env, jclass, jlong src, jdoubleArray dst) {
    guard(env, "cuda-emulated download", [&] {
        env->SetDoubleArrayRegion(dst, 0, env->GetArrayLength(dst), static_cast<const jdouble*>(dp(src)));
        check_jni(env);
    });
}

// As cuMemcpyDtoD: the ranges must not overlap (CudaBackend.copy goes through a temporary when they do).
HHNN_EMU_JNI(void, copy)(JNIEnv* env, jclass, jlong src, jlong dst, jlong bytes) {
    guard(env, "cuda-emulated copy", [&] {
        const char* s = static_cast<const char*>(dp(src));
        char* d = static_cast<char*>(dp(dst));
        if (!(s + bytes <= d || d + bytes <= s))
            throw IllegalArgument("device-to-device copy of overlapping ranges (cuMemcpyDtoD does not allow it)");
        for_chunks(bytes, [=](long lo, long hi) { memcpy(d + lo, s + lo, (size_t)(hi - lo)); });
    });
}
