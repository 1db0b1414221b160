package org.hhnn.dist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.hhnn.tensor.Tensor;

/**
 * All-reduce of gradients in host memory with one MPI_Allreduce per step: each gradient is downloaded into a
 * direct buffer (the one MPI reads and writes in place), the sum is uploaded back. For the cpu and reference
 * backends the download is a copy in RAM.
 */
final class HostReducer implements GradientReducer {
    private final Mpi mpi;
    private ByteBuffer flat;      // direct, native order: gradients end to end, then the scalar
    private float[][] staging;    // one host array per parameter, reused every step
    private long floats;
    private double seconds;

    HostReducer(Mpi mpi) { this.mpi = mpi; }

    @Override public float reduce(List<Tensor> params, float weight, float scalar) {
        if (flat == null) allocate(params);
        FloatBuffer f = flat.asFloatBuffer();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] a = staging[i];
            if (p.grad() == null) java.util.Arrays.fill(a, 0f);
            else p.backend().download(p.grad().buffer(), a);
            if (weight != 1f) for (int k = 0; k < a.length; k++) a[k] *= weight;
            f.put(a);
        }
        f.put(weight * scalar);
        long t0 = System.nanoTime();
        mpi.allReduceSum(flat, floats);
        seconds += (System.nanoTime() - t0) / 1e9;
        f.rewind();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] a = staging[i];
            f.get(a);
            p.backend().upload(a, GradientReducer.gradOf(p).buffer());
        }
        return f.get();
    }

    private void allocate(List<Tensor> params) {
        floats = GradientReducer.totalSize(params) + 1;
        if (floats * 4 > Integer.MAX_VALUE) throw new DistributedException("the gradients (" + (floats - 1) + " floats) exceed the 2 GiB a host all-reduce buffer can hold", false);
        flat = ByteBuffer.allocateDirect((int) floats * 4).order(ByteOrder.nativeOrder());
        staging = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) staging[i] = new float[Math.toIntExact(params.get(i).size())];
    }

    @Override public double collectiveSeconds() { return seconds; }
    @Override public long floatsPerStep() { return floats; }
    @Override public void close() { flat = null; staging = null; }
}
