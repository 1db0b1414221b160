package org.hhnn.backend.cuda;

import java.util.HashMap;
import java.util.Map;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.backend.cpu.NativeLoader;

/**
 * A {@link Device} that runs the cuda backend's kernels on the CPU: {@code kernels/*.cu} compiled as C++ through
 * {@code kernels/emu_shim.h} into libhhnn, launched by name through a registry exactly as {@link JCudaDevice}
 * launches them through cuModuleGetFunction, each grid run with its blocks spread over OpenMP threads (the cpu
 * backend's thread count). Device memory is host memory; gemm is cuBLAS's column-major sgemm computed by OpenBLAS,
 * or, with {@link #gemmThroughKernel}, the {@code hhnn_gemm_f32} kernel that JCudaDevice falls back to without
 * cuBLAS. Every launch's argument kinds are checked against the kernel's C++ signature, a mistake a GPU would
 * silently misread. TF32 is accepted and ignored (gemm stays float32). For CI and debugging: correct, not fast.
 */
public final class EmulatedDevice extends AbstractDevice {

    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, String> signatures = new HashMap<>();
    private final boolean gemmThroughKernel;
    private volatile boolean tf32;

    /** Loads libhhnn (throws UnsatisfiedLinkError, one sentence, when it cannot) and reads its kernel registry. */
    public EmulatedDevice() { this(false); }

    /** With gemmThroughKernel, gemm runs the hhnn_gemm_f32 kernel (JCudaDevice's fallback) instead of OpenBLAS. */
    public EmulatedDevice(boolean gemmThroughKernel) {
        NativeLoader.load();
        this.gemmThroughKernel = gemmThroughKernel;
        int n = EmuNative.kernelCount();
        for (int i = 0; i < n; i++) {
            String name = EmuNative.kernelName(i);
            index.put(name, i);
            signatures.put(name, EmuNative.kernelSignature(i));
        }
    }

    @Override public String name() { return "cuda-emulated"; }

    @Override public String describe() {
        return index.size() + " kernels of kernels/*.cu compiled for the host in " + NativeLoader.loadedFrom()
                + ", run on " + CpuBackend.threads() + " OpenMP threads; gemm through "
                + (gemmThroughKernel ? "the hhnn_gemm_f32 kernel" : "OpenBLAS with cuBLAS's semantics");
    }

    /** The kernel names and their signatures (one letter per parameter). */
    public Map<String, String> kernels() { return Map.copyOf(signatures); }

    @Override protected long rawAlloc(long bytes) { return EmuNative.alloc(bytes); }

    @Override protected void rawFree(long address) { EmuNative.free(address); }

    @Override public void memsetZero(long address, long bytes) { EmuNative.memsetZero(address, bytes); }

    @Override public void upload(float[] src, long dst) { EmuNative.uploadFloats(src, dst); }

    @Override public void upload(int[] src, int count, long dst) { EmuNative.uploadInts(src, count, dst); }

    @Override public void download(long src, float[] dst) { EmuNative.downloadFloats(src, dst); }

    @Override public void download(long src, double[] dst) { EmuNative.downloadDoubles(src, dst); }

    @Override public void copy(long src, long dst, long bytes) { EmuNative.copy(src, dst, bytes); }

    @Override public void launch(String kernel, LaunchConfig cfg, KernelArgs args) {
        Integer i = index.get(kernel);
        if (i == null) throw new IllegalArgumentException("cuda-emulated: no kernel '" + kernel + "' in libhhnn (is it registered with HHNN_REGISTER?)");
        String sig = signatures.get(kernel);
        if (!sig.equals(args.kinds()))
            throw new IllegalArgumentException("cuda-emulated: kernel " + kernel + " takes (" + sig + ") but was launched with ("
                    + args.kinds() + ") [p pointer, i int, l long, f float, d double]");
        EmuNative.launch(i, cfg.grid(), cfg.block(), args.slots());
    }

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        if (gemmThroughKernel) GemmKernel.launch(this, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else EmuNative.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override public void setTf32(boolean on) { tf32 = on; }

    @Override public boolean tf32() { return tf32; }

    @Override public void synchronize() {}   // every call has finished when it returns
}
