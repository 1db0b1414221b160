package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.hhnn.backend.cpu.NativeLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host CUDA driver catches what a GPU would silently misread or corrupt: a launch whose argument buffer has the
 * wrong size (an int where the kernel takes a long), a swapped argument (a float where a pointer goes), a buffer too
 * short for what the kernel writes, copies outside an allocation, a block beyond the device's limits, a kernel the
 * module lacks, a module whose signature differs from kernels/*.cu, and a thread with no current context. Each has a
 * passing twin (the same call done right), so the rejections are the driver's checks and not a broken driver. Also:
 * JCuda's JNI libraries resolve every symbol against the host libraries (ldd -r), and JCudaDevice is used from several
 * threads at once. Skipped only where a real NVIDIA driver is installed (the host driver never loads there).
 */
class HostDriverTest {

    private JCudaDevice d;

    @BeforeEach void open() {
        assumeTrue(CudaProbe.findLibcuda() == null, "a real NVIDIA driver is installed here, and the host driver is never loaded beside it");
        d = (JCudaDevice) HostDriver.backend().device();
    }

    private float[] down(long address, int n) {
        float[] out = new float[n];
        d.download(address, out);
        return out;
    }

    @Test void describesItselfAsTheHostDriver() {
        assertEquals("cuda-hostdriver", d.name());
        assertTrue(d.describe().startsWith("no GPU: JCuda over the hhnn host driver"), d.describe());
    }

    @Test void rejectsALaunchWhoseArgumentBufferHasTheWrongSize() {
        long p = d.alloc(64 * 4);
        try {
            d.upload(new float[64], p);
            // hhnn_fill_f32(float* y, float value, long n): n as a 32-bit int makes the buffer 16 bytes instead of 24.
            CudaException e = assertThrows(CudaException.class,
                    () -> d.launch("hhnn_fill_f32", LaunchConfig.forCount(64), KernelArgs.of().ptr(p).f32(2f).i32(64)));
            assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_VALUE") && e.getMessage().contains("holds 16 bytes")
                    && e.getMessage().contains("(pfl) take 24"), e.getMessage());
            assertArrayEquals(new float[64], down(p, 64), "the rejected kernel did not run");
            d.launch("hhnn_fill_f32", LaunchConfig.forCount(64), KernelArgs.of().ptr(p).f32(2f).i64(64));
            float[] twos = new float[64];
            Arrays.fill(twos, 2f);
            assertArrayEquals(twos, down(p, 64), "the same launch with a long runs");
        } finally {
            d.free(p);
        }
    }

    @Test void rejectsASwappedArgument() {
        long x = d.alloc(16 * 4), y = d.alloc(16 * 4);
        try {
            d.upload(new float[16], y);
            // hhnn_axpby_f32(float alpha, const float* x, float beta, float* y, long n) with alpha and x swapped: the
            // buffer has the right size, but the pointer slot holds a float's bits, inside no allocation.
            CudaException e = assertThrows(CudaException.class, () -> d.launch("hhnn_axpby_f32", LaunchConfig.forCount(16),
                    KernelArgs.of().ptr(x).f32(1f).f32(0f).ptr(y).i64(16)));
            assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_VALUE") || e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
            e = assertThrows(CudaException.class, () -> d.launch("hhnn_axpby_f32", LaunchConfig.forCount(16),
                    KernelArgs.of().f32(1f).i64(Float.floatToRawIntBits(1f)).f32(0f).ptr(y).i64(16)));
            assertTrue(e.getMessage().contains("argument 1 (a pointer)") && e.getMessage().contains("not inside any live allocation"), e.getMessage());
            float[] ones = new float[16];
            Arrays.fill(ones, 1f);
            d.upload(ones, x);
            d.launch("hhnn_axpby_f32", LaunchConfig.forCount(16), KernelArgs.of().f32(3f).ptr(x).f32(0f).ptr(y).i64(16));
            float[] threes = new float[16];
            Arrays.fill(threes, 3f);
            assertArrayEquals(threes, down(y, 16), "the launch in the right order runs");
        } finally {
            d.free(x);
            d.free(y);
        }
    }

    @Test void rejectsAKernelWritingPastItsBuffer() {
        long raw = d.alloc(1);   // the caching allocator rounds to 512 bytes: 128 floats
        try {
            d.launch("hhnn_fill_f32", LaunchConfig.forCount(128), KernelArgs.of().ptr(raw).f32(1f).i64(128));
            CudaException e = assertThrows(CudaException.class,
                    () -> d.launch("hhnn_fill_f32", LaunchConfig.forCount(130), KernelArgs.of().ptr(raw).f32(1f).i64(130)));
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS") && e.getMessage().contains("wrote past the end"), e.getMessage());
        } finally {
            d.free(raw);
            d.emptyCache();   // the block's guard bytes are spoilt: give it back rather than hand it out again
        }
    }

    @Test void rejectsCopiesOutsideAnAllocation() {
        long p = d.alloc(16 * 4);
        try {
            CudaException e = assertThrows(CudaException.class, () -> d.upload(new float[200], p));
            assertTrue(e.getMessage().contains("cuMemcpyHtoD") && e.getMessage().contains("run past the end"), e.getMessage());
            e = assertThrows(CudaException.class, () -> d.download(p + (1L << 40), new float[4]));
            assertTrue(e.getMessage().contains("not inside any live allocation"), e.getMessage());
            d.upload(new float[128], p);   // 512 bytes: the whole rounded block
        } finally {
            d.free(p);
        }
    }

    @Test void rejectsABlockBeyondTheDeviceLimits() {
        long p = d.alloc(16 * 4);
        try {
            CudaException e = assertThrows(CudaException.class,
                    () -> d.launch("hhnn_fill_f32", new LaunchConfig(1, 2048), KernelArgs.of().ptr(p).f32(1f).i64(16)));
            assertTrue(e.getMessage().contains("block (2048, 1, 1) exceeds the device's limits"), e.getMessage());
            d.launch("hhnn_fill_f32", new LaunchConfig(1, 1024), KernelArgs.of().ptr(p).f32(1f).i64(16));
        } finally {
            d.free(p);
        }
    }

    @Test void rejectsAKernelTheModuleLacks() {
        CudaException e = assertThrows(CudaException.class, () -> d.launch("hhnn_no_such_kernel", LaunchConfig.forCount(1), KernelArgs.of()));
        assertTrue(e.getMessage().contains("CUDA_ERROR_NOT_FOUND"), e.getMessage());
    }

    @Test void refusesAModuleWhoseSignatureDiffersFromTheKernelSources() {
        d.synchronize();   // makes the context current on this thread
        String good = ".version 8.0\n.target sm_90\n.address_size 64\n.visible .entry hhnn_fill_f32(\n\t.param .u64 .ptr .global .align 1 a,\n"
                + "\t.param .f32 b,\n\t.param .u64 c\n)\n{\n\tret;\n}\n";
        JCudaDriver.cuModuleUnload(load(good));
        CudaException e = assertThrows(CudaException.class, () -> load(good.replace("\t.param .u64 c\n", "\t.param .u32 c\n")));
        assertEquals("CUDA_ERROR_INVALID_IMAGE", e.getMessage());
        assertTrue(HostDriver.lastFailure().contains("parameter 2 is 4 bytes in the module but 'l' (8 bytes)"), HostDriver.lastFailure());
        e = assertThrows(CudaException.class, () -> load(good.replace("hhnn_fill_f32", "hhnn_not_a_kernel")));
        assertTrue(HostDriver.lastFailure().contains("no host-compiled twin"), HostDriver.lastFailure());
    }

    /**
     * hhnn-host.ptx, the module of builds without nvcc (CI), loads: every .entry matches its host-compiled kernel's
     * signature; and a kernel launched from it through JCuda with JCudaDevice's argument packing runs.
     */
    @Test void theBuildsHostModuleLoadsAndRuns() throws Exception {
        d.synchronize();
        String ptx;
        try (InputStream in = HostDriverTest.class.getResourceAsStream(JCudaDevice.HOST_PTX)) {
            assertTrue(in != null, JCudaDevice.HOST_PTX);
            ptx = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(ptx.split("\\.entry ").length > 40, "one .entry per kernel");
        CUmodule m = load(ptx);
        long p = d.alloc(8 * 4);
        try {
            jcuda.driver.CUfunction f = new jcuda.driver.CUfunction();
            JCudaDriver.cuModuleGetFunction(f, m, "hhnn_fill_f32");
            byte[] args = JCudaDevice.pack(KernelArgs.of().ptr(p).f32(7f).i64(8));
            assertEquals(24, args.length, "pointer at 0, float at 8, long at 16");
            JCudaDriver.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, null, null, jcuda.Pointer.to(JCudaDriver.CU_LAUNCH_PARAM_BUFFER_POINTER,
                    jcuda.Pointer.to(args), JCudaDriver.CU_LAUNCH_PARAM_BUFFER_SIZE, jcuda.Pointer.to(new long[] {args.length}), JCudaDriver.CU_LAUNCH_PARAM_END));
            float[] sevens = new float[8];
            Arrays.fill(sevens, 7f);
            assertArrayEquals(sevens, down(p, 8));
        } finally {
            d.free(p);
            JCudaDriver.cuModuleUnload(m);
        }
    }

    private static CUmodule load(String ptx) {
        CUmodule m = new CUmodule();
        JCudaDriver.cuModuleLoadData(m, ptx);
        return m;
    }

    @Test void aThreadWithoutTheContextCurrentIsRefused() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // Straight through JCuda on a fresh thread, as a JCudaDevice without ensureCurrent would call it.
            Future<String> bare = pool.submit(() -> {
                try {
                    JCudaDriver.cuMemAlloc(new CUdeviceptr(), 64);
                    return "allocated";
                } catch (CudaException e) {
                    return e.getMessage();
                }
            });
            assertEquals("CUDA_ERROR_INVALID_CONTEXT", bare.get(1, TimeUnit.MINUTES));
            // JCudaDevice on the same thread makes the context current first.
            Future<float[]> viaDevice = pool.submit(() -> {
                long p = d.alloc(4 * 4);
                try {
                    d.upload(new float[] {1, 2, 3, 4}, p);
                    return down(p, 4);
                } finally {
                    d.free(p);
                }
            });
            assertArrayEquals(new float[] {1, 2, 3, 4}, viaDevice.get(1, TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Several threads at once, each its own buffers, kernels and gemm (JUnit and JMH call from thread pools). */
    @Test void servesSeveralThreadsAtOnce() throws Exception {
        CudaBackend b = HostDriver.backend();
        int threads = 4, n = 48;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final float s = t + 1;
                results.add(pool.submit(() -> {
                    float[] a = new float[n * n];
                    for (int i = 0; i < a.length; i++) a[i] = (i % 7) * s;
                    float[] out = new float[n * n];
                    for (int round = 0; round < 20; round++) {
                        org.hhnn.backend.Buffer x = b.alloc(a.length), c = b.alloc(a.length);
                        try {
                            b.upload(a, x);
                            b.gemm(false, true, n, n, n, 1f, x, x, 0f, c);
                            b.download(c, out);
                        } finally {
                            b.free(x);
                            b.free(c);
                        }
                    }
                    return out;
                }));
            }
            for (int t = 0; t < threads; t++) {
                float s = t + 1;
                float[] got = results.get(t).get(5, TimeUnit.MINUTES);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        for (int k = 0; k < n; k++) want += ((i * n + k) % 7) * s * (((j * n + k) % 7) * s);
                        assertEquals(want, got[i * n + j], 1e-6 * Math.abs(want) + 1e-3, "thread " + t + " C[" + i + "," + j + "]");
                    }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * JCuda's two JNI libraries resolve every imported symbol against the host libraries (ldd -r, which binds them all
     * as a run with LD_BIND_NOW would), and without the cuBLAS stand-in the cuBLAS one does not: what HostDriver
     * provides is what they need. The host libraries are copied under the sonames into a temporary folder for ldd only.
     */
    @Test void jcudaLibrariesResolveEverySymbolAgainstTheHostLibraries() throws Exception {
        Path dir = Files.createTempDirectory("hhnn-hostdrv-ldd");
        try {
            Path driver = extract("/lib/libJCudaDriver-12.6.0-linux-x86_64.so", dir.resolve("libJCudaDriver.so"));
            Path cublas = extract("/lib/libJCublas2-12.6.0-linux-x86_64.so", dir.resolve("libJCublas2.so"));
            extract(NativeLoader.resourcePath("hhnn_hostcuda"), dir.resolve("libcuda.so.1"));
            String without = ldd(cublas, dir);
            assertTrue(without.contains("libcublas.so.12 => not found"), without);
            extract(NativeLoader.resourcePath("hhnn_hostcublas"), dir.resolve("libcublas.so.12"));
            for (Path lib : new Path[] {driver, cublas}) {
                String out = ldd(lib, dir);
                assertFalse(out.contains("undefined symbol") || out.contains("not found"), lib.getFileName() + ":\n" + out);
                assertTrue(out.contains("libcuda.so.1 => " + dir), out);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    /**
     * JCudaDevice's steady-state calls (upload, launch, download, gemm) make no JNI call inside a critical region: a
     * JVM under -Xcheck:jni warns once per offending call, so the warnings of 400 rounds must equal those of 4 (the
     * device's set-up may warn: JCuda's queries at start-up). Before the calls went through direct buffers, each
     * upload, launch and cuBLAS call warned (about 97,000 warnings in one parity run).
     */
    @Test void steadyStateCallsMakeNoJniCallInsideACriticalRegion() throws Exception {
        assertEquals(criticalWarnings(4), criticalWarnings(400), "JNI calls inside a critical region grow with the calls made");
    }

    private static long criticalWarnings(int rounds) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xcheck:jni", "-cp", System.getProperty("java.class.path"),
                CheckedCalls.class.getName(), "" + rounds).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the checked JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("rounds " + rounds), out);
        return out.lines().filter(l -> l.contains("in the scope of Get/ReleasePrimitiveArrayCritical")).count();
    }

    /** The child JVM of {@link #steadyStateCallsMakeNoJniCallInsideACriticalRegion}: N rounds of the backend's calls. */
    static final class CheckedCalls {
        public static void main(String[] args) {
            int rounds = Integer.parseInt(args[0]);
            CudaBackend cuda = HostDriver.backend();
            org.hhnn.backend.Buffer a = cuda.alloc(64), b = cuda.alloc(64), c = cuda.alloc(64);
            float[] host = new float[64];
            for (int r = 0; r < rounds; r++) {
                host[r % 64] = r;
                cuda.upload(host, a);
                cuda.fill(b, 0.5f, 64);
                cuda.gemm(false, false, 8, 8, 8, 1f, a, b, 0f, c);
                cuda.download(c, host);
            }
            System.out.println("rounds " + rounds);
        }
    }

    private static Path extract(String resource, Path to) throws IOException {
        try (InputStream in = HostDriverTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "classpath resource " + resource);
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    private static String ldd(Path lib, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("ldd", "-r", lib.toString()).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        return out;
    }
}
