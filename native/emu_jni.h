// native/emu_jni.h — the JNI naming of the EmulatedDevice's entry points (org.hhnn.backend.cuda.EmuNative) and the
// jlong -> "device" pointer cast. The emulated device's memory is host memory: a device address is a host address.
// Java twin: org.hhnn.backend.cuda.EmuNative. Tested by: CudaEmulatedParityTest.
#pragma once
#include <stdint.h>
#include "jni_util.h"

namespace hhnn {
inline void* dp(jlong address) { return reinterpret_cast<void*>(static_cast<intptr_t>(address)); }
}  // namespace hhnn

#define HHNN_EMU_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_hhnn_backend_cuda_EmuNative_##name
