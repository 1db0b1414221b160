// native/mpi/mpi_jni.cpp — the MPI part of hhnn: a small JNI binding (Open MPI's own Java bindings are not in Debian's
// build) over the few calls data-parallel training and distributed compare need. Built into its own library,
// libhhnn_mpi.so, only when mpi.h is found, so libhhnn.so never links MPI and a plain `hhnn train` never loads it.
// Java twin: org.hhnn.dist.MpiNative (one Java thread at a time makes the calls: MPI_THREAD_SERIALIZED).
// Tested by: DistributedTrainTest (real 2-rank mpirun jobs), DataParallelTest, CliEndToEndTest (info).
#include <dlfcn.h>
#include <mpi.h>
#include <signal.h>
#include <stdint.h>
#include <string>
#include <vector>
#include "jni_util.h"

#define HHNN_MPI_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_hhnn_dist_MpiNative_##name

using namespace hhnn;

namespace {

// The signals the HotSpot JVM handles itself (implicit null checks, safepoints, thread dumps, shutdown hooks).
// Open MPI may install backtrace handlers for some of them during MPI_Init (MCA opal_signal); one of those would
// turn the JVM's routine SIGSEGV into a crash, so each is put back as the JVM had it.
const int kJvmSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGQUIT, SIGHUP, SIGINT, SIGTERM, SIGUSR2, SIGPIPE, SIGXFSZ, SIGTRAP};
constexpr int kNumJvmSignals = sizeof(kJvmSignals) / sizeof(kJvmSignals[0]);

std::string mpi_error(int code) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, msg, &len) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
    return std::string(msg, len);
}

void check(int code, const char* what) {
    if (code != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed: " + mpi_error(code));
}

}  // namespace

// Initialises MPI (MPI_THREAD_SERIALIZED); returns null, or one sentence saying why it could not.
HHNN_MPI_JNI(jstring, init)(JNIEnv* env, jclass) {
    return guard(env, "MPI_Init_thread", [&]() -> jstring {
        int already = 0;
        MPI_Initialized(&already);
        if (already) return nullptr;
        // The JVM loads this library with RTLD_LOCAL, so libmpi (its dependency) is local too, yet Open MPI's
        // components are plugins that resolve libmpi's symbols globally: re-open libmpi by its path with RTLD_GLOBAL.
        Dl_info info;
        if (dladdr(reinterpret_cast<void*>(&MPI_Init_thread), &info) == 0 || info.dli_fname == nullptr)
            return env->NewStringUTF("could not find which file libmpi was loaded from (dladdr failed)");
        if (dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == nullptr) {
            const char* e = dlerror();
            return env->NewStringUTF((std::string("could not make the symbols of ") + info.dli_fname + " global: " +
                                      (e ? e : "dlopen failed")).c_str());
        }
        struct sigaction saved[kNumJvmSignals];
        for (int i = 0; i < kNumJvmSignals; i++) sigaction(kJvmSignals[i], nullptr, &saved[i]);
        int provided = 0;
        int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
        for (int i = 0; i < kNumJvmSignals; i++) sigaction(kJvmSignals[i], &saved[i], nullptr);
        if (rc != MPI_SUCCESS) return env->NewStringUTF(("MPI_Init_thread failed: " + mpi_error(rc)).c_str());
        // Errors come back as codes (and become Java exceptions) instead of aborting the job from inside MPI.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        if (provided < MPI_THREAD_SERIALIZED) {
            MPI_Finalize();
            return env->NewStringUTF(("the MPI library offers thread level " + std::to_string(provided) +
                                      ", below MPI_THREAD_SERIALIZED").c_str());
        }
        return nullptr;
    });
}

HHNN_MPI_JNI(jint, rank)(JNIEnv* env, jclass) {
    return guard(env, "MPI_Comm_rank", [&]() -> jint {
        int r = 0;
        check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
        return r;
    });
}

HHNN_MPI_JNI(jint, size)(JNIEnv* env, jclass) {
    return guard(env, "MPI_Comm_size", [&]() -> jint {
        int n = 0;
        check(MPI_Comm_size(MPI_COMM_WORLD, &n), "MPI_Comm_size");
        return n;
    });
}

HHNN_MPI_JNI(jstring, libraryVersion)(JNIEnv* env, jclass) {
    return guard(env, "MPI_Get_library_version", [&]() -> jstring {
        char v[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        check(MPI_Get_library_version(v, &len), "MPI_Get_library_version");
        std::string s(v, len);
        size_t nl = s.find_first_of(",\n");   // "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4"
        return env->NewStringUTF(s.substr(0, nl).c_str());
    });
}

// Sums count floats over all ranks, in place, in one MPI_Allreduce; buf is a direct buffer.
HHNN_MPI_JNI(void, allReduceSum)(JNIEnv* env, jclass, jobject buf, jlong count) {
    guard(env, "MPI_Allreduce", [&] {
        float* p = static_cast<float*>(env->GetDirectBufferAddress(buf));
        if (p == nullptr) throw IllegalArgument("the buffer is not a direct buffer");
        if (count < 0 || count * 4 > env->GetDirectBufferCapacity(buf))
            throw IllegalArgument("count " + std::to_string(count) + " exceeds the buffer");
        // MPI counts are ints: reduce in chunks below 2^31 elements (one chunk for every model here).
        for (jlong off = 0; off < count;) {
            int n = static_cast<int>(std::min<jlong>(count - off, 1L << 30));
            check(MPI_Allreduce(MPI_IN_PLACE, p + off, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
            off += n;
        }
    });
}

// Every rank's value, in rank order.
HHNN_MPI_JNI(jlongArray, allGatherLong)(JNIEnv* env, jclass, jlong v) {
    return guard(env, "MPI_Allgather", [&]() -> jlongArray {
        int n = 0;
        check(MPI_Comm_size(MPI_COMM_WORLD, &n), "MPI_Comm_size");
        std::vector<int64_t> all(n);
        int64_t mine = v;
        check(MPI_Allgather(&mine, 1, MPI_INT64_T, all.data(), 1, MPI_INT64_T, MPI_COMM_WORLD), "MPI_Allgather");
        jlongArray out = env->NewLongArray(n);
        if (out == nullptr) throw JavaPending{};
        env->SetLongArrayRegion(out, 0, n, reinterpret_cast<const jlong*>(all.data()));
        check_jni(env);
        return out;
    });
}

// root's bytes on every rank (the NCCL id, a run list).
HHNN_MPI_JNI(jbyteArray, broadcast)(JNIEnv* env, jclass, jbyteArray data, jint root) {
    return guard(env, "MPI_Bcast", [&]() -> jbyteArray {
        int r = 0;
        check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
        int64_t len = r == root ? env->GetArrayLength(data) : 0;
        check(MPI_Bcast(&len, 1, MPI_INT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
        std::vector<jbyte> bytes(len);
        if (r == root) env->GetByteArrayRegion(data, 0, static_cast<jsize>(len), bytes.data());
        check_jni(env);
        check(MPI_Bcast(bytes.data(), static_cast<int>(len), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
        jbyteArray out = env->NewByteArray(static_cast<jsize>(len));
        if (out == nullptr) throw JavaPending{};
        env->SetByteArrayRegion(out, 0, static_cast<jsize>(len), bytes.data());
        check_jni(env);
        return out;
    });
}

// Every rank's bytes on root, in rank order (null elsewhere).
HHNN_MPI_JNI(jobjectArray, gather)(JNIEnv* env, jclass, jbyteArray data, jint root) {
    return guard(env, "MPI_Gatherv", [&]() -> jobjectArray {
        int r = 0, n = 0;
        check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
        check(MPI_Comm_size(MPI_COMM_WORLD, &n), "MPI_Comm_size");
        int len = env->GetArrayLength(data);
        std::vector<jbyte> mine(len);
        env->GetByteArrayRegion(data, 0, len, mine.data());
        check_jni(env);
        std::vector<int> lens(n), offs(n);
        check(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, root, MPI_COMM_WORLD), "MPI_Gather");
        int64_t total = 0;
        for (int i = 0; i < n; i++) {
            offs[i] = static_cast<int>(total);
            total += lens[i];
        }
        if (r == root && total > INT32_MAX) throw IllegalArgument("gathered data exceeds 2 GiB");
        std::vector<jbyte> all(r == root ? total : 0);
        check(MPI_Gatherv(mine.data(), len, MPI_BYTE, all.data(), lens.data(), offs.data(), MPI_BYTE, root, MPI_COMM_WORLD),
              "MPI_Gatherv");
        if (r != root) return nullptr;
        jclass byteArray = env->FindClass("[B");
        if (byteArray == nullptr) throw JavaPending{};
        jobjectArray out = env->NewObjectArray(n, byteArray, nullptr);
        if (out == nullptr) throw JavaPending{};
        for (int i = 0; i < n; i++) {
            jbyteArray a = env->NewByteArray(lens[i]);
            if (a == nullptr) throw JavaPending{};
            env->SetByteArrayRegion(a, 0, lens[i], all.data() + offs[i]);
            env->SetObjectArrayElement(out, i, a);
            env->DeleteLocalRef(a);
            check_jni(env);
        }
        return out;
    });
}

HHNN_MPI_JNI(void, barrier)(JNIEnv* env, jclass) {
    guard(env, "MPI_Barrier", [&] { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); });
}

// Ends the whole job: the launcher stops every rank (used when a failure is not known to all ranks).
HHNN_MPI_JNI(void, abort)(JNIEnv*, jclass, jint code) { MPI_Abort(MPI_COMM_WORLD, code); }

HHNN_MPI_JNI(void, finish)(JNIEnv* env, jclass) {
    guard(env, "MPI_Finalize", [&] {
        int done = 0;
        MPI_Finalized(&done);
        if (!done) check(MPI_Finalize(), "MPI_Finalize");
    });
}
