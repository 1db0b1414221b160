package org.hhnn.dist;

import java.util.List;
import org.hhnn.backend.Backend;
import org.hhnn.backend.cuda.DeviceBuffer;
import org.hhnn.tensor.Tensor;

/**
 * All-reduce of gradients on the GPUs with NCCL, one call per step: the gradients are copied end to end into one
 * device buffer (plus the weighted loss), summed in place by ncclAllReduce, and copied back; nothing crosses to the
 * host but the loss. Rank 0 makes the NCCL id and MPI broadcasts it. One rank per GPU ({@link #pinDevice}).
 *
 * <p>It needs two GPUs and libnccl.so.2 to run, which CI lacks: CI compiles it, and it is written to the same
 * contract as {@link HostReducer}, which the 2-rank tests check.
 */
final class NcclReducer implements GradientReducer {
    private final Backend backend;
    private final long comm;
    private Tensor flat, scalar;
    private long floats;
    private double seconds;

    private NcclReducer(Backend backend, long comm) {
        this.backend = backend;
        this.comm = comm;
    }

    /** Whether this backend's gradients live on a GPU and NCCL is present. */
    static boolean wanted(Backend backend) {
        return backend.name().equals("cuda") && NcclNative.load() == null;
    }

    /** Before the cuda backend starts: restrict this rank to its GPU, the launcher's local rank. */
    static void pinDevice(int localRank) { NcclNative.pinDevice(localRank); }

    static NcclReducer open(Mpi mpi, Backend backend) {
        byte[] id = mpi.broadcast(mpi.isRoot() ? NcclNative.uniqueId() : null, 0);
        return new NcclReducer(backend, NcclNative.initRank(id, mpi.size(), mpi.rank()));
    }

    @Override public float reduce(List<Tensor> params, float weight, float value) {
        if (flat == null) {
            floats = GradientReducer.totalSize(params) + 1;
            flat = Tensor.persistentZeros(backend, Math.toIntExact(floats));
            scalar = Tensor.persistentZeros(backend, 1);
        }
        long off = 0;
        for (Tensor p : params) {
            backend.copy(GradientReducer.gradOf(p).buffer(), 0, flat.buffer(), off, p.size());
            off += p.size();
        }
        backend.upload(new float[] {value}, scalar.buffer());
        backend.copy(scalar.buffer(), 0, flat.buffer(), off, 1);
        if (weight != 1f) backend.axpby(weight, flat.buffer(), 0f, flat.buffer(), floats);
        long t0 = System.nanoTime();
        NcclNative.allReduceSum(comm, ((DeviceBuffer) flat.buffer()).address(), floats);
        seconds += (System.nanoTime() - t0) / 1e9;
        off = 0;
        for (Tensor p : params) {
            backend.copy(flat.buffer(), off, p.grad().buffer(), 0, p.size());
            off += p.size();
        }
        backend.copy(flat.buffer(), off, scalar.buffer(), 0, 1);
        return scalar.item();
    }

    @Override public double collectiveSeconds() { return seconds; }
    @Override public long floatsPerStep() { return floats; }

    @Override public void close() {
        if (flat != null) { flat.free(); scalar.free(); }
        NcclNative.destroy(comm);
    }
}
