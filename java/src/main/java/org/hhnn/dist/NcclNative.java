package org.hhnn.dist;

/** The NCCL entry points of libhhnn_mpi.so ({@code native/mpi/nccl_jni.cpp}); only {@link NcclReducer} calls them. */
final class NcclNative {
    private NcclNative() {}

    /** Opens libnccl.so.2 and libcuda.so.1; null, or why NCCL cannot be used. */
    static native String load();
    /** Sets CUDA_VISIBLE_DEVICES to this rank's GPU (before CUDA starts). */
    static native void pinDevice(int localRank);
    static native byte[] uniqueId();
    static native long initRank(byte[] id, int ranks, int rank);
    static native void allReduceSum(long comm, long deviceAddress, long count);
    static native void destroy(long comm);
}
