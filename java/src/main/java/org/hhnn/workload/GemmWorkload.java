package org.hhnn.workload;

import java.util.SplittableRandom;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Buffer;

/** Square sgemm C = A·B of size n³ (2n³ FLOPs), the foundation benchmark. */
public final class GemmWorkload implements Workload {
    private final Backend backend;
    private final int n;
    private final Buffer a, b, c;

    public GemmWorkload(Backend backend, int n) {
        this.backend = backend;
        this.n = n;
        SplittableRandom rng = new SplittableRandom(42);
        float[] host = new float[n * n];
        a = backend.alloc((long) n * n);
        b = backend.alloc((long) n * n);
        c = backend.alloc((long) n * n);
        for (int i = 0; i < host.length; i++) host[i] = (float) rng.nextDouble(-1, 1);
        backend.upload(host, a);
        for (int i = 0; i < host.length; i++) host[i] = (float) rng.nextDouble(-1, 1);
        backend.upload(host, b);
    }

    @Override public String name() { return "gemm" + n; }
    @Override public String unit() { return "GFLOP/s"; }
    @Override public double workPerRun() { return 2.0 * n * n * n / 1e9; }
    @Override public Backend backend() { return backend; }

    @Override public void run() { backend.gemm(false, false, n, n, n, 1f, a, b, 0f, c); }

    @Override public void close() {
        backend.free(a);
        backend.free(b);
        backend.free(c);
    }
}
