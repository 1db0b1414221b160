package org.hhnn.cli;

import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.backend.cpu.CpuBackend;
import picocli.CommandLine.Option;

/** --backend and --threads, shared by every command that computes. */
public final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "reference | cpu | cuda | cuda-emulated (the CUDA kernels run on the CPU, for testing); default: the fastest available, one INFO line says which and why")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the cpu backend (OpenMP and OpenBLAS); default: all cores")
    Integer threads;

    /** Resolves the backend, printing one INFO line to stderr. */
    Backend resolve() {
        if (threads != null) {
            if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            if (CpuBackend.isAvailable()) CpuBackend.setThreads(threads);
        }
        if (backend != null) {
            Backend b = Backends.get(backend);
            System.err.println("INFO using backend '" + b.name() + "' (asked for with --backend)");
            return b;
        }
        Backends.Choice c = Backends.fastest();
        System.err.println("INFO " + c.reason());
        return c.backend();
    }
}
