// native/emu_launch.cpp — the EmulatedDevice's kernel launches: the registry of kernels/*.cu compiled for the host
// (kernels/emu_shim.h, HHNN_REGISTER) listed by index, name and signature, and launch by index with a packed
// argument array (one 64-bit slot per argument: pointers as addresses, int/float in the low 32 bits).
// Java twin: org.hhnn.backend.cuda.EmuNative / EmulatedDevice (JCudaDevice: cuModuleGetFunction + cuLaunchKernel).
// Tested by: CudaEmulatedParityTest (every kernel through CudaBackend).
#include <string>
#include "cpu_parallel.h"
#include "emu_jni.h"
#include "emu_shim.h"

using namespace hhnn;

HHNN_EMU_JNI(jint, kernelCount)(JNIEnv* env, jclass) {
    return guard(env, "cuda-emulated kernels", [&]() -> jint {
        const hhnn_emu::Registry& r = hhnn_emu::registry();
        if (r.overflow > 0)
            throw std::runtime_error(std::to_string(r.overflow) + " kernels did not fit the emulator's registry (raise kMaxKernels in kernels/emu_shim.h)");
        return r.count;
    });
}

HHNN_EMU_JNI(jstring, kernelName)(JNIEnv* env, jclass, jint i) {
    return guard(env, "cuda-emulated kernels", [&]() -> jstring {
        const hhnn_emu::Registry& r = hhnn_emu::registry();
        if (i < 0 || i >= r.count) throw IllegalArgument("no kernel at index " + std::to_string(i));
        return env->NewStringUTF(r.kernels[i].name);
    });
}

HHNN_EMU_JNI(jstring, kernelSignature)(JNIEnv* env, jclass, jint i) {
    return guard(env, "cuda-emulated kernels", [&]() -> jstring {
        const hhnn_emu::Registry& r = hhnn_emu::registry();
        if (i < 0 || i >= r.count) throw IllegalArgument("no kernel at index " + std::to_string(i));
        return env->NewStringUTF(r.kernels[i].signature);
    });
}

// Runs kernel i over grid x block threads. Java has checked the argument kinds against the signature; the count
// is checked again here because a wrong one would read past the slots.
HHNN_EMU_JNI(void, launch)(JNIEnv* env, jclass, jint i, jint grid, jint block, jlongArray slots) {
    guard(env, "cuda-emulated launch", [&] {
        const hhnn_emu::Registry& r = hhnn_emu::registry();
        if (i < 0 || i >= r.count) throw IllegalArgument("no kernel at index " + std::to_string(i));
        const hhnn_emu::Kernel& k = r.kernels[i];
        constexpr int kMaxArgs = 32;
        jsize n = env->GetArrayLength(slots);
        if (n != (jsize)std::char_traits<char>::length(k.signature) || n > kMaxArgs)
            throw IllegalArgument(std::string(k.name) + " takes " + std::to_string(std::char_traits<char>::length(k.signature)) +
                                  " arguments, got " + std::to_string(n));
        if (grid < 1 || block < 1) throw IllegalArgument(std::string(k.name) + ": empty launch configuration");
        jlong values[kMaxArgs];
        env->GetLongArrayRegion(slots, 0, n, values);
        check_jni(env);
        // Each slot is 8 bytes; on a little-endian host a 32-bit value sits at the slot's start.
        static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the argument slots assume a little-endian host");
        void* args[kMaxArgs];
        for (jsize a = 0; a < n; a++) args[a] = &values[a];
        k.launch(dim3((unsigned)grid), dim3((unsigned)block), args, threads());
    });
}
