// native/jni_util.h — the JNI boundary: jlong -> pointer, Java exceptions, and hhnn::guard, which turns every
// C++ exception into a Java one so that no error can unwind into (and crash) the JVM.
// Java twin: org.hhnn.backend.cpu.CpuBackend. Tested by: CpuParityTest (validation, labels), NativeLoaderTest.
#pragma once
#include <jni.h>
#include <stdint.h>
#include <new>
#include <stdexcept>
#include <string>

namespace hhnn {

// Java hands native buffers over as the address NativeBuffer holds.
inline float* fp(jlong address) { return reinterpret_cast<float*>(static_cast<intptr_t>(address)); }

// Thrown in C++ to become an IllegalArgumentException in Java.
struct IllegalArgument : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown in C++ when a JNI call already left a Java exception pending: unwind and keep that one.
struct JavaPending {};

// Raises cls(msg) in Java unless an exception is already pending (the first one is the real cause).
inline void throw_java(JNIEnv* env, const char* cls, const char* msg) {
    if (env->ExceptionCheck()) return;
    jclass c = env->FindClass(cls);
    if (c == nullptr) return;   // FindClass left NoClassDefFoundError pending
    env->ThrowNew(c, msg);
    env->DeleteLocalRef(c);
}

// After a JNI call that may throw (array regions): unwind if it did.
inline void check_jni(JNIEnv* env) {
    if (env->ExceptionCheck()) throw JavaPending{};
}

// Runs f and maps C++ exceptions to Java ones; returns R() when something was thrown (the JVM
// ignores the return value while an exception is pending). Nothing may throw inside an OpenMP
// region, so callers allocate before entering one.
template <class F>
auto guard(JNIEnv* env, const char* primitive, F&& f) -> decltype(f()) {
    using R = decltype(f());
    try {
        return f();
    } catch (const JavaPending&) {
    } catch (const IllegalArgument& e) {
        throw_java(env, "java/lang/IllegalArgumentException", (std::string(primitive) + ": " + e.what()).c_str());
    } catch (const std::bad_alloc&) {
        throw_java(env, "java/lang/OutOfMemoryError", (std::string(primitive) + ": native memory exhausted").c_str());
    } catch (const std::exception& e) {
        throw_java(env, "java/lang/RuntimeException", (std::string(primitive) + ": " + e.what()).c_str());
    } catch (...) {
        throw_java(env, "java/lang/RuntimeException", (std::string(primitive) + ": unknown native error").c_str());
    }
    return R();
}

}  // namespace hhnn

// Every entry point is extern "C", exported, and named after its CpuBackend native method, which ends in 0
// (HHNN_JNI(void, gemm) is CpuBackend.gemm0). Primitives are instance methods (second parameter jobject), the
// runtime and allocator static (jclass).
#define HHNN_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_hhnn_backend_cpu_CpuBackend_##name##0
