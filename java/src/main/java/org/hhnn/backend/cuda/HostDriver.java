package org.hhnn.backend.cuda;

import org.hhnn.backend.BackendUnavailableException;
import org.hhnn.backend.cpu.NativeLoader;

/**
 * The host CUDA driver: {@link JCudaDevice} over {@code libhhnn_hostcuda.so} (the driver API, kernels/*.cu run on the
 * CPU) and {@code libhhnn_hostcublas.so} (cuBLAS's sgemm through OpenBLAS) instead of NVIDIA's libcuda.so.1 and
 * libcublas.so.12, so that JCudaDevice's own code (argument packing, copies, a context current on every thread, the
 * fatbin/PTX module) runs in CI without a GPU, checked at every call (native/hostdrv/hostdrv.h says how).
 *
 * <p>Only on request ({@link #backend()}: the OnGpu test runners where no GPU works, {@code hhnn gpu-check
 * --host-driver}), never in place of a real driver: where a libcuda.so.1 exists it refuses. How it takes libcuda's
 * place without LD_PRELOAD or LD_LIBRARY_PATH: the two libraries are built with the sonames libcuda.so.1 and
 * libcublas.so.12 and loaded by path (System.load) before any JCuda class is touched; when JCuda then loads its JNI
 * libraries, which name libcuda.so.1 and libcublas.so.12 as dependencies, the dynamic linker finds objects of those
 * sonames already loaded and binds to them. Nothing named libcuda.so.1 is written to disk, so nothing else in the
 * process or on the machine can pick it up by accident.
 */
public final class HostDriver {
    private HostDriver() {}

    private static final Object LOCK = new Object();
    private static boolean probed;
    private static CudaBackend backend;
    private static RuntimeException failure;

    /** Whether the host driver's libraries are loaded in this JVM (JCudaDevice then adds its reasons to errors). */
    private static volatile boolean loaded;

    /**
     * The cuda backend on JCudaDevice over the host driver (one per JVM); throws BackendUnavailableException (one
     * sentence) when it cannot be had: a real NVIDIA driver is installed, or the libraries were not built.
     */
    public static CudaBackend backend() {
        synchronized (LOCK) {
            if (!probed) {
                probed = true;
                try {
                    load();
                    backend = new CudaBackend(new JCudaDevice(0, true));
                } catch (BackendUnavailableException e) {
                    failure = e;
                } catch (Throwable t) {
                    failure = new BackendUnavailableException("The host CUDA driver could not be opened: " + CudaProbe.firstLine(t) + ".", t);
                }
            }
            if (failure != null) throw failure;
            return backend;
        }
    }

    private static void load() {
        String real = CudaProbe.findLibcuda();
        if (real != null)
            throw new BackendUnavailableException("The host CUDA driver is never loaded beside a real one, and " + real + " is installed here.");
        for (String lib : new String[] {"hhnn_hostcuda", "hhnn_hostcublas"}) {
            NativeLoader.Result r = NativeLoader.attempt(null, NativeLoader.resourcePath(lib), null);
            if (!r.ok())
                throw new BackendUnavailableException("The host CUDA driver is not built: the classpath resource "
                        + NativeLoader.resourcePath(lib) + " could not be loaded (" + CudaProbe.firstLine(r.error.getSuppressed().length > 0
                                ? r.error.getSuppressed()[0] : r.error) + "); run ./hhnn build.", r.error);
        }
        loaded = true;
    }

    static boolean isLoaded() { return loaded; }

    /** Why the calling thread's last failing driver or cuBLAS call failed, as the host driver recorded it ("" if none). */
    static String lastFailure() { return loaded ? lastError() : ""; }

    private static native String lastError();

    static native void clearLastError();
}
