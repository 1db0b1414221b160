package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.CoreParityCases;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The cuda backend's core primitives against the reference: the cases of {@link CoreParityCases} on cuda-emulated (the
 * kernels of kernels/*.cu compiled for the host) and, in {@link OnGpu}, on the real GPU when
 * {@link CudaBackend#isAvailable()} (skipped otherwise, naming the cause); plus gemm's fallback kernel and the
 * emulator's own machinery (launch signatures, launch configuration, the caching allocator). After each test every
 * scratch allocation must be back with the device ({@link CudaTarget}).
 * Run: mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false
 */
class CudaEmulatedParityTest extends CoreParityCases {

    CudaEmulatedParityTest() { super(CudaTarget.emulated()); }

    @Nested class OnGpu extends CoreParityCases {
        OnGpu() { super(CudaTarget.gpu()); }
    }

    private CudaBackend dev() { return (CudaBackend) fast(); }

    /** JCudaDevice's fallback without cuBLAS (kernels/gemm.cu), run through the same row-major mapping. */
    @Test void gemmThroughTheFallbackKernel() {
        retarget(CudaTarget.emulated(() -> new CudaBackend(new EmulatedDevice(true))), "cuda-emulated without cuBLAS");
        gemmSweep("gemm via hhnn_gemm_f32");
        gemmLongDotProducts("gemm via hhnn_gemm_f32");
        gemmWithEmptyInnerDimension("gemm via hhnn_gemm_f32");
    }

    // ---- the emulator itself ------------------------------------------------------------------------------------

    /** A launch whose argument kinds differ from the kernel's C++ signature fails naming both (a GPU would misread it). */
    @Test void emulatorChecksEveryLaunchAgainstTheKernelSignature() {
        EmulatedDevice d = (EmulatedDevice) dev().device();
        assertEquals("pfl", d.kernels().get("hhnn_fill_f32"));
        Buffer b = alloc(4);
        long p = ((DeviceBuffer) b).address;
        LaunchConfig one = LaunchConfig.forCount(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.launch("hhnn_fill_f32", one, KernelArgs.of().ptr(p).f32(1f).i32(4)));
        assertTrue(e.getMessage().contains("hhnn_fill_f32") && e.getMessage().contains("(pfl)") && e.getMessage().contains("(pfi)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.launch("hhnn_no_such_kernel", one, KernelArgs.of()));
        assertTrue(e.getMessage().contains("hhnn_no_such_kernel"), e.getMessage());
        d.launch("hhnn_fill_f32", one, KernelArgs.of().ptr(p).f32(1.5f).i64(4));
        assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1.5f}, down(dev(), b, 4));
    }

    @Test void launchConfigurationIsComputedInOnePlace() {
        assertEquals(new LaunchConfig(1, 256), LaunchConfig.forCount(1));
        assertEquals(new LaunchConfig(2, 256), LaunchConfig.forCount(257));
        assertEquals(new LaunchConfig(LaunchConfig.MAX_GRID, 256), LaunchConfig.forCount(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.forCount(0));
    }

    @Test void cachingAllocatorReusesFreedBlocks() {
        Device d = dev().device();
        long a = d.alloc(10_000);
        d.free(a);
        long cached = d.cachedBytes();
        assertTrue(cached >= 10_000, "freed block is cached: " + cached);
        long b = d.alloc(10_100);   // same rounded size (512-byte steps below 1 MiB)
        assertEquals(a, b, "the cached block is handed out again");
        d.free(b);
        assertThrows(IllegalArgumentException.class, () -> d.free(12345));
    }
}
