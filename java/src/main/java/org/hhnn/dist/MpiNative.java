package org.hhnn.dist;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of libhhnn_mpi.so ({@code native/mpi/mpi_jni.cpp}). Only {@link Mpi} calls them, from one
 * thread at a time (MPI_THREAD_SERIALIZED).
 */
final class MpiNative {
    private MpiNative() {}

    /** MPI_Init_thread(SERIALIZED) with libmpi made global and the JVM's signal handlers kept; null or why not. */
    static native String init();
    static native int rank();
    static native int size();
    static native String libraryVersion();
    /** In-place sum of count floats of a direct buffer over all ranks (one MPI_Allreduce). */
    static native void allReduceSum(ByteBuffer buf, long count);
    static native long[] allGatherLong(long v);
    static native byte[] broadcast(byte[] data, int root);
    static native byte[][] gather(byte[] data, int root);
    static native void barrier();
    static native void abort(int code);
    static native void finish();
}
