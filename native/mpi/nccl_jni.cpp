// native/mpi/nccl_jni.cpp — NCCL all-reduce of device buffers for data-parallel training on GPUs. libnccl.so.2 and
// libcuda.so.1 are opened at run time (dlopen) when present, so neither is needed to build or to run on a CPU
// machine; the few declarations below follow nccl.h (NCCL 2.x ABI) and cuda.h.
// Java twin: org.hhnn.dist.NcclNative (called from the thread that owns MPI and the CUDA context).
// Tested by: compiled in CI; it needs two or more GPUs to run (see README "Beyond one machine").
#include <dlfcn.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <string>
#include "jni_util.h"

#define HHNN_NCCL_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_hhnn_dist_NcclNative_##name

using namespace hhnn;

namespace {

constexpr int kNcclUniqueIdBytes = 128;  // NCCL_UNIQUE_ID_BYTES
struct NcclUniqueId { char internal[kNcclUniqueIdBytes]; };
using NcclComm = void*;
constexpr int kNcclSuccess = 0, kNcclFloat32 = 7, kNcclSum = 0;

struct Nccl {
    int (*getUniqueId)(NcclUniqueId*) = nullptr;
    int (*commInitRank)(NcclComm*, int, NcclUniqueId, int) = nullptr;
    int (*allReduce)(const void*, void*, size_t, int, int, NcclComm, void*) = nullptr;
    int (*commDestroy)(NcclComm) = nullptr;
    const char* (*errorString)(int) = nullptr;
    int (*streamSynchronize)(void*) = nullptr;   // cuStreamSynchronize (driver API)
} g;

std::string nccl_error(int rc) { return g.errorString ? g.errorString(rc) : "NCCL error " + std::to_string(rc); }

void check(int rc, const char* what) {
    if (rc != kNcclSuccess) throw std::runtime_error(std::string(what) + " failed: " + nccl_error(rc));
}

template <class T>
bool sym(void* lib, const char* name, T& out) {
    out = reinterpret_cast<T>(dlsym(lib, name));
    return out != nullptr;
}

}  // namespace

// Opens libnccl.so.2 and libcuda.so.1; returns null, or why NCCL cannot be used.
HHNN_NCCL_JNI(jstring, load)(JNIEnv* env, jclass) {
    return guard(env, "ncclLoad", [&]() -> jstring {
        if (g.allReduce) return nullptr;
        void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
        if (!cuda) return env->NewStringUTF("libcuda.so.1 (the NVIDIA driver) is not installed");
        void* nccl = dlopen("libnccl.so.2", RTLD_NOW | RTLD_GLOBAL);
        if (!nccl) return env->NewStringUTF("libnccl.so.2 is not installed");
        Nccl n;
        if (!sym(nccl, "ncclGetUniqueId", n.getUniqueId) || !sym(nccl, "ncclCommInitRank", n.commInitRank) ||
            !sym(nccl, "ncclAllReduce", n.allReduce) || !sym(nccl, "ncclCommDestroy", n.commDestroy) ||
            !sym(nccl, "ncclGetErrorString", n.errorString) || !sym(cuda, "cuStreamSynchronize", n.streamSynchronize))
            return env->NewStringUTF("libnccl.so.2 or libcuda.so.1 lacks a function hhnn needs (NCCL 2.x expected)");
        g = n;
        return nullptr;
    });
}

// Pins this rank to its GPU before CUDA starts: the localRank-th entry of CUDA_VISIBLE_DEVICES (or GPU localRank).
HHNN_NCCL_JNI(void, pinDevice)(JNIEnv* env, jclass, jint localRank) {
    guard(env, "pinDevice", [&] {
        const char* v = getenv("CUDA_VISIBLE_DEVICES");
        std::string list = v ? v : "";
        std::string pick = std::to_string(localRank);
        if (!list.empty()) {
            int count = 1;
            for (char c : list) count += c == ',';
            int want = localRank % count, i = 0;
            size_t start = 0, end;
            while ((end = list.find(',', start)) != std::string::npos && i < want) start = end + 1, i++;
            pick = list.substr(start, list.find(',', start) - start);
        }
        setenv("CUDA_VISIBLE_DEVICES", pick.c_str(), 1);
    });
}

HHNN_NCCL_JNI(jbyteArray, uniqueId)(JNIEnv* env, jclass) {
    return guard(env, "ncclGetUniqueId", [&]() -> jbyteArray {
        NcclUniqueId id;
        check(g.getUniqueId(&id), "ncclGetUniqueId");
        jbyteArray out = env->NewByteArray(kNcclUniqueIdBytes);
        if (out == nullptr) throw JavaPending{};
        env->SetByteArrayRegion(out, 0, kNcclUniqueIdBytes, reinterpret_cast<const jbyte*>(id.internal));
        check_jni(env);
        return out;
    });
}

HHNN_NCCL_JNI(jlong, initRank)(JNIEnv* env, jclass, jbyteArray idBytes, jint nranks, jint rank) {
    return guard(env, "ncclCommInitRank", [&]() -> jlong {
        if (env->GetArrayLength(idBytes) != kNcclUniqueIdBytes) throw IllegalArgument("an NCCL id has 128 bytes");
        NcclUniqueId id;
        env->GetByteArrayRegion(idBytes, 0, kNcclUniqueIdBytes, reinterpret_cast<jbyte*>(id.internal));
        check_jni(env);
        NcclComm comm = nullptr;
        check(g.commInitRank(&comm, nranks, id, rank), "ncclCommInitRank");
        return static_cast<jlong>(reinterpret_cast<intptr_t>(comm));
    });
}

// In-place sum of count floats at the device address over all ranks, on the default stream; returns when done.
HHNN_NCCL_JNI(void, allReduceSum)(JNIEnv* env, jclass, jlong comm, jlong address, jlong count) {
    guard(env, "ncclAllReduce", [&] {
        void* p = reinterpret_cast<void*>(static_cast<intptr_t>(address));
        NcclComm c = reinterpret_cast<NcclComm>(static_cast<intptr_t>(comm));
        check(g.allReduce(p, p, static_cast<size_t>(count), kNcclFloat32, kNcclSum, c, nullptr), "ncclAllReduce");
        int rc = g.streamSynchronize(nullptr);
        if (rc != 0) throw std::runtime_error("cuStreamSynchronize after ncclAllReduce failed with CUDA error " + std::to_string(rc));
    });
}

HHNN_NCCL_JNI(void, destroy)(JNIEnv* env, jclass, jlong comm) {
    guard(env, "ncclCommDestroy", [&] {
        if (comm != 0) check(g.commDestroy(reinterpret_cast<NcclComm>(static_cast<intptr_t>(comm))), "ncclCommDestroy");
    });
}
