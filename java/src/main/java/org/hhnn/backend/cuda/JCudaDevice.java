package org.hhnn.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;

/**
 * The real GPU through JCuda 12's driver API and JCublas: device 0's primary context, retained once and made
 * current on every calling thread (JUnit and JMH call from thread pools); the kernels from the classpath fatbin
 * ({@link Fatbin#RESOURCE}) loaded with cuModuleLoadData, CUfunctions cached by name; gemm through cuBLAS on the
 * same (legacy default) stream as the kernels. When the driver rejects the fatbin (a driver older than the toolkit
 * that built it: CUDA_ERROR_NO_BINARY_FOR_GPU / UNSUPPORTED_PTX_VERSION / INVALID_IMAGE / INVALID_PTX), the kernel
 * sources shipped under /cuda/src/ are compiled with NVRTC for the GPU present, and one INFO line says so. When
 * JCublas cannot load (it needs libcublas.so.12, which {@link CublasLocator} looks for), gemm runs the hhnn_gemm_f32
 * kernel and one line says so. Kernel arguments travel as one buffer (CU_LAUNCH_PARAM_BUFFER_POINTER/SIZE) laid out as
 * the kernel's parameters are, so the driver sees their total size. Created only by {@link CudaProbe#open}, after
 * libcuda.so.1 was found, or by {@link HostDriver#backend} over the host driver (no GPU; name "cuda-hostdriver"):
 * no other class touches JCuda. Set -Dhhnn.cuda.syncLaunches=true to synchronise after each launch, so a failing
 * kernel is named at once.
 */
public final class JCudaDevice extends AbstractDevice {

    private static final Set<Integer> REJECTED_FATBIN = Set.of(CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU,
            CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, CUresult.CUDA_ERROR_INVALID_IMAGE, CUresult.CUDA_ERROR_INVALID_PTX);
    private static final System.Logger LOG = System.getLogger(JCudaDevice.class.getName());
    private static final boolean SYNC_LAUNCHES = Boolean.getBoolean("hhnn.cuda.syncLaunches");

    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final cublasHandle cublas;   // null: gemm through the hhnn_gemm_f32 kernel
    private final String description;
    private final boolean hostDriver;
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private String kernelsFrom;   // "fatbin", "nvrtc" or "host-ptx": set by loadKernels
    private volatile boolean tf32;

    JCudaDevice(int ordinal) { this(ordinal, false); }

    /** With hostDriver, JCuda is bound to the host driver's libraries ({@link HostDriver} loaded them first). */
    JCudaDevice(int ordinal, boolean hostDriver) {
        this.hostDriver = hostDriver;
        JCudaDriver.setExceptionsEnabled(true);
        int[] v = new int[1];
        cuInit(0);
        cuDriverGetVersion(v);
        int driver = v[0];
        try {
            cuDeviceGetCount(v);
        } catch (CudaException e) {
            throw new CudaProbe.CudaUnavailableException("no CUDA device (" + e.getMessage() + ")", e);
        }
        if (v[0] <= ordinal) throw new CudaProbe.CudaUnavailableException("no CUDA device");
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        current.set(Boolean.TRUE);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        // JCuda 12.6 leaves the array empty under -Xcheck:jni (its copy of it is not written back), as for downloads.
        String deviceName = cString(name).isEmpty() ? "CUDA device " + ordinal : cString(name);
        long[] mem = new long[1];
        cuDeviceTotalMem(mem, device);
        String driverText = "CUDA " + driver / 1000 + "." + driver % 1000 / 10;
        String kernels = loadKernels(major, minor, driverText);
        cublasHandle h = null;
        String gemm = hostDriver ? "the host driver's cuBLAS stand-in (OpenBLAS)" : "cuBLAS";
        String missing = hostDriver ? null : CublasLocator.preload();
        try {
            if (missing != null) throw new UnsatisfiedLinkError(missing);
            JCublas2.setExceptionsEnabled(true);
            h = new cublasHandle();
            JCublas2.cublasCreate(h);
        } catch (Throwable t) {
            h = null;
            gemm = "the hhnn_gemm_f32 kernel (cuBLAS did not load: " + CudaProbe.firstLine(t) + ")";
            LOG.log(System.Logger.Level.WARNING, "cuda: cuBLAS could not load (" + CudaProbe.firstLine(t)
                    + "); gemm runs the slower hhnn_gemm_f32 kernel instead");
        }
        cublas = h;
        facts.put("name", deviceName);
        facts.put("compute_capability", major + "." + minor);
        facts.put("multiprocessors", sms);
        facts.put("memory_gib", mem[0] / (double) (1L << 30));
        facts.put("driver", driverText);
        facts.put("host_driver", hostDriver);
        facts.put("kernels", kernelsFrom);
        facts.put("kernels_detail", kernels);
        facts.put("gemm", h == null ? "hhnn_gemm_f32" : hostDriver ? "host-cublas-stand-in" : "cublas");
        facts.put("gemm_detail", gemm);
        description = (hostDriver ? "no GPU: JCuda over the hhnn host driver, " : "") + String.format("%s (sm_%d%d, %d SMs, %.1f GiB), driver %s; kernels %s; gemm through %s",
                deviceName, major, minor, sms, mem[0] / (double) (1L << 30), driverText, kernels, gemm);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    // Loads the fatbin, or NVRTC's build of the shipped sources when the driver rejects it; returns where they came from.
    private String loadKernels(int major, int minor, String driverText) {
        byte[] fatbin = Fatbin.load();
        if (hostDriver) return loadHostKernels(fatbin);
        String rejected, cause;
        if (fatbin != null) {
            try {
                cuModuleLoadData(module, fatbin);
                kernelsFrom = "fatbin";
                return "from the fatbin (" + Fatbin.describe(Fatbin.parse(fatbin)) + ")";
            } catch (CudaException e) {
                if (REJECTED_FATBIN.stream().noneMatch(c -> CUresult.stringFor(c).equals(e.getMessage()))) throw e;
                rejected = "the driver (" + driverText + ") rejected the prebuilt fatbin (" + e.getMessage() + ")";
                cause = "driver too old for the fatbin (" + driverText + ", " + e.getMessage() + ")";
            }
        } else {
            rejected = cause = "this build has no prebuilt fatbin (nvcc was not found when it was built)";
        }
        try {
            String how = Nvrtc.compileInto(module, major, minor);
            kernelsFrom = "nvrtc";
            LOG.log(System.Logger.Level.INFO, "cuda: " + rejected + "; compiled the kernels from source with NVRTC " + how);
            return "compiled by NVRTC " + how;
        } catch (Throwable t) {
            throw new CudaProbe.CudaUnavailableException(cause + ", and NVRTC could not compile the kernels instead ("
                    + CudaProbe.firstLine(t) + ")", t);
        }
    }

    /**
     * The host driver reads the kernels' parameters from PTX: the fatbin's when nvcc built one (its compute_90 PTX),
     * else hhnn-host.ptx, which the build writes from the host-compiled kernels.
     */
    private String loadHostKernels(byte[] fatbin) {
        try {
            if (fatbin != null) {
                cuModuleLoadData(module, fatbin);
                kernelsFrom = "fatbin";
                return "from the fatbin's PTX (" + Fatbin.describe(Fatbin.parse(fatbin)) + "), run on the CPU";
            }
            String ptx;
            try (InputStream in = JCudaDevice.class.getResourceAsStream(HOST_PTX)) {
                if (in == null) throw new IllegalStateException("the classpath resource " + HOST_PTX + " is missing (run ./hhnn build)");
                ptx = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            cuModuleLoadData(module, ptx);
            kernelsFrom = "host-ptx";
            return "from " + HOST_PTX + " (no fatbin in this build), run on the CPU";
        } catch (CudaException e) {
            throw failed("loading the kernel module", e);
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + HOST_PTX + ": " + e.getMessage(), e);
        }
    }

    /** The module the host driver takes when there is no fatbin (CMakeLists.txt: hhnn_hostptx). */
    static final String HOST_PTX = "/cuda/hhnn-host.ptx";

    /** e with the host driver's reason for it, when the host driver is what failed. */
    private CudaException failed(String what, CudaException e) {
        String why = hostDriver ? HostDriver.lastFailure() : "";
        return new CudaException("cuda: " + what + " failed: " + e.getMessage() + (why.isEmpty() ? "" : " (" + why + ")"), e);
    }

    /** Makes the primary context current on the calling thread (once per thread). */
    private void ensureCurrent() {
        if (!current.get()) {
            cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    /** A CUdeviceptr for a raw address (JCuda reads nativePointer + byteOffset; the former is 0 here). */
    private static CUdeviceptr at(long address) { return new CUdeviceptr().withByteOffset(address); }

    /** A CUdeviceptr whose address can be read back (getNativePointer is protected). */
    private static final class DevPtr extends CUdeviceptr {
        long address() { return getNativePointer(); }
    }

    @Override public String name() { return hostDriver ? "cuda-hostdriver" : "cuda"; }

    @Override public String describe() { return description; }

    /**
     * What hhnn gpu-check reports: name, compute_capability, multiprocessors, memory_gib, driver, host_driver, kernels
     * ("fatbin", "nvrtc" or "host-ptx") and kernels_detail, gemm ("cublas", "hhnn_gemm_f32" or "host-cublas-stand-in")
     * and gemm_detail.
     */
    public Map<String, Object> facts() { return Collections.unmodifiableMap(facts); }

    @Override protected long rawAlloc(long bytes) {
        ensureCurrent();
        DevPtr p = new DevPtr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY).equals(e.getMessage()))
                throw new OutOfMemoryError("cuda: out of GPU memory allocating " + bytes + " bytes");
            throw e;
        }
        return p.address();
    }

    @Override protected void rawFree(long address) {
        ensureCurrent();
        cuMemFree(at(address));
    }

    @Override public void memsetZero(long address, long bytes) {
        ensureCurrent();
        try {
            if (bytes > 0) cuMemsetD8(at(address), (byte) 0, bytes);
        } catch (CudaException e) {
            throw failed("cuMemsetD8", e);
        }
    }

    // Uploads, downloads, kernel parameters and cuBLAS scalars all pass through direct buffers, never a Java array:
    // JCuda 12.6 pins a Java array with GetPrimitiveArrayCritical and then calls other JNI functions inside that
    // critical region, which the JNI spec forbids (-Xcheck:jni warned once per call: about 97,000 times in one
    // parity run, on the H200 as over the host driver), and downloads into an array read zeros (see staging).

    @Override public void upload(float[] src, long dst) {
        for (int from = 0; from < src.length; from += STAGING_FLOATS) {
            int n = Math.min(STAGING_FLOATS, src.length - from);
            ByteBuffer b = staging(4L * n);
            b.asFloatBuffer().put(src, from, n);
            uploadBytes(b, dst + 4L * from, 4L * n);
        }
    }

    @Override public void upload(int[] src, int count, long dst) {
        for (int from = 0; from < count; from += STAGING_FLOATS) {
            int n = Math.min(STAGING_FLOATS, count - from);
            ByteBuffer b = staging(4L * n);
            b.asIntBuffer().put(src, from, n);
            uploadBytes(b, dst + 4L * from, 4L * n);
        }
    }

    private void uploadBytes(ByteBuffer b, long dst, long bytes) {
        ensureCurrent();
        try {
            cuMemcpyHtoD(at(dst), Pointer.to(b), bytes);
        } catch (CudaException e) {
            throw failed("cuMemcpyHtoD", e);
        }
    }

    @Override public void download(long src, float[] dst) {
        if (dst.length > 0) downloadBytes(src, 4L * dst.length).asFloatBuffer().get(dst);
    }

    @Override public void download(long src, double[] dst) {
        if (dst.length > 0) downloadBytes(src, 8L * dst.length).asDoubleBuffer().get(dst);
    }

    /** The bytes at src, in the calling thread's staging buffer. */
    private ByteBuffer downloadBytes(long src, long bytes) {
        ensureCurrent();
        ByteBuffer b = staging(bytes);
        try {
            cuMemcpyDtoH(Pointer.to(b), at(src), bytes);
        } catch (CudaException e) {
            throw failed("cuMemcpyDtoH", e);
        }
        return b;
    }

    /**
     * A direct buffer of bytes for a download (the calling thread's, reused up to {@link #STAGING_KEEP}). Downloads go
     * through it rather than straight into the Java array: JCuda 12.6's cuMemcpyDtoH into a Java array left the array
     * all zeros under -Xcheck:jni (its copy of the array is not written back), which the host driver run showed.
     */
    private ByteBuffer staging(long bytes) {
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("cuda: a download of " + bytes + " bytes does not fit one Java array");
        ByteBuffer b = STAGING.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            if (bytes <= STAGING_KEEP) STAGING.set(b);
        }
        b.clear().limit((int) bytes);
        return b;
    }

    private static final long STAGING_KEEP = 16L << 20;
    private static final int STAGING_FLOATS = (int) (STAGING_KEEP / 4);   // uploads go in pieces of this many
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();
    // The calling thread's kernel parameter buffer (packed arguments, then their size as a size_t) and cuBLAS scalars.
    private static final ThreadLocal<ByteBuffer> PARAMS = ThreadLocal.withInitial(() -> direct(4096));
    private static final ThreadLocal<ByteBuffer> SCALARS = ThreadLocal.withInitial(() -> direct(8));

    private static ByteBuffer direct(int bytes) { return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()); }

    @Override public void copy(long src, long dst, long bytes) {
        ensureCurrent();
        try {
            if (bytes > 0) cuMemcpyDtoD(at(dst), at(src), bytes);
        } catch (CudaException e) {
            throw failed("cuMemcpyDtoD", e);
        }
    }

    @Override public void launch(String kernel, LaunchConfig cfg, KernelArgs args) {
        ensureCurrent();
        CUfunction f = functions.computeIfAbsent(kernel, n -> {
            CUfunction fn = new CUfunction();
            cuModuleGetFunction(fn, module, n);
            return fn;
        });
        int size = packedSize(args), sizeAt = (size + 7) / 8 * 8;
        ByteBuffer p = PARAMS.get();
        if (p.capacity() < sizeAt + 8) PARAMS.set(p = direct(sizeAt + 8));
        p.clear();
        packInto(args, p);
        p.putLong(sizeAt, size);
        Pointer params = Pointer.to(p);
        Pointer extra = Pointer.to(JCudaDriver.CU_LAUNCH_PARAM_BUFFER_POINTER, params,
                JCudaDriver.CU_LAUNCH_PARAM_BUFFER_SIZE, params.withByteOffset(sizeAt), JCudaDriver.CU_LAUNCH_PARAM_END);
        try {
            cuLaunchKernel(f, cfg.grid(), 1, 1, cfg.block(), 1, 1, 0, null, null, extra);
        } catch (CudaException e) {
            throw failed("launching kernel " + kernel, e);
        }
        if (SYNC_LAUNCHES) {
            try {
                cuCtxSynchronize();
            } catch (CudaException e) {
                throw failed("kernel " + kernel, e);
            }
        }
    }

    /**
     * The arguments as the kernel's parameter buffer: each at the next offset aligned to its own size (8 for pointers,
     * 64-bit integers and doubles, 4 for ints and floats), in host byte order; the length is where the last one ends.
     */
    static byte[] pack(KernelArgs args) {
        ByteBuffer b = ByteBuffer.allocate(packedSize(args)).order(ByteOrder.nativeOrder());
        packInto(args, b);
        return b.array();
    }

    /** The parameter buffer's length: where the last argument ends. */
    private static int packedSize(KernelArgs args) {
        int size = 0;
        for (int i = 0; i < args.count(); i++) {
            int w = width(args.kind(i));
            size = (size + w - 1) / w * w + w;
        }
        return size;
    }

    /** Writes the arguments at their offsets from b's start (absolute puts: b's position does not move). */
    private static void packInto(KernelArgs args, ByteBuffer b) {
        int off = 0;
        for (int i = 0; i < args.count(); i++) {
            int w = width(args.kind(i));
            off = (off + w - 1) / w * w;
            if (w == 8) b.putLong(off, args.slot(i));
            else b.putInt(off, (int) args.slot(i));
            off += w;
        }
    }

    private static int width(char kind) {
        switch (kind) {
            case 'p': case 'l': case 'd': return 8;
            case 'i': case 'f': return 4;
            default: throw new AssertionError(kind);
        }
    }

    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        ensureCurrent();
        if (cublas == null) {
            GemmKernel.launch(this, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        synchronized (cublas) {   // one handle, shared by all threads, on the default stream
            try {
                ByteBuffer ab = SCALARS.get();
                ab.clear();
                ab.putFloat(0, alpha).putFloat(4, beta);
                Pointer scalars = Pointer.to(ab);
                JCublas2.cublasSgemm(cublas, transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                        transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N, m, n, k,
                        scalars, at(a), lda, at(b), ldb, scalars.withByteOffset(4), at(c), ldc);
            } catch (CudaException e) {
                throw failed("cublasSgemm", e);
            }
        }
    }

    @Override public void setTf32(boolean on) {
        tf32 = on;
        if (cublas != null) {
            ensureCurrent();
            synchronized (cublas) {
                JCublas2.cublasSetMathMode(cublas, on ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
            }
        }
    }

    @Override public boolean tf32() { return tf32; }

    @Override public void synchronize() {
        ensureCurrent();
        cuCtxSynchronize();
    }

    /**
     * NVRTC build of the kernel sources shipped under /cuda/src/ (index.txt lists the .cu files, then the headers).
     * NVRTC has no C library headers, so math.h and stdint.h are given as small stand-ins.
     */
    static final class Nvrtc {
        private Nvrtc() {}

        private static final String MATH_H = "#pragma once\n#ifndef NAN\n#define NAN __int_as_float(0x7fffffff)\n#endif\n"
                + "#ifndef INFINITY\n#define INFINITY __int_as_float(0x7f800000)\n#endif\n";
        private static final String STDINT_H = "#pragma once\ntypedef signed char int8_t; typedef unsigned char uint8_t;\n"
                + "typedef short int16_t; typedef unsigned short uint16_t; typedef int int32_t; typedef unsigned int uint32_t;\n"
                + "typedef long long int64_t; typedef unsigned long long uint64_t;\n";

        /** Compiles for sm_XY (SASS) when NVRTC knows the GPU, else PTX for the newest arch it knows; loads it. */
        static String compileInto(CUmodule module, int major, int minor) throws IOException {
            JNvrtc.setExceptionsEnabled(true);
            List<String> names = new ArrayList<>(), texts = new ArrayList<>();
            StringBuilder unit = new StringBuilder("// every kernels/*.cu in one translation unit (as CMakeLists.txt builds the fatbin)\n");
            for (String f : read("index.txt").split("\n")) {
                f = f.strip();
                if (f.isEmpty()) continue;
                names.add(f);
                texts.add(read(f));
                if (f.endsWith(".cu")) unit.append("#include \"").append(f).append("\"\n");
            }
            names.add("math.h");
            texts.add(MATH_H);
            names.add("stdint.h");
            texts.add(STDINT_H);
            int[] count = new int[1];
            JNvrtc.nvrtcGetNumSupportedArchs(count);
            int[] archs = new int[count[0]];
            JNvrtc.nvrtcGetSupportedArchs(archs);
            int want = major * 10 + minor, best = -1;
            for (int a : archs) if (a <= want && a > best) best = a;
            if (best < 0) throw new IllegalStateException("NVRTC knows no architecture at or below sm_" + want);
            boolean sass = best == want;
            String arch = (sass ? "--gpu-architecture=sm_" : "--gpu-architecture=compute_") + best;
            nvrtcProgram prog = new nvrtcProgram();
            JNvrtc.nvrtcCreateProgram(prog, unit.toString(), "hhnn_kernels.cu", names.size(),
                    texts.toArray(new String[0]), names.toArray(new String[0]));
            try {
                try {
                    JNvrtc.nvrtcCompileProgram(prog, 2, new String[] {arch, "--std=c++17"});
                } catch (RuntimeException e) {
                    String[] log = new String[1];
                    JNvrtc.nvrtcGetProgramLog(prog, log);
                    throw new IllegalStateException(e.getMessage() + ": " + log[0], e);
                }
                if (sass) {
                    long[] size = new long[1];
                    JNvrtc.nvrtcGetCUBINSize(prog, size);
                    byte[] cubin = new byte[(int) size[0]];
                    JNvrtc.nvrtcGetCUBIN(prog, cubin);
                    cuModuleLoadData(module, cubin);
                    return "for sm_" + best;
                }
                String[] ptx = new String[1];
                JNvrtc.nvrtcGetPTX(prog, ptx);
                cuModuleLoadData(module, ptx[0]);
                return "as compute_" + best + " PTX (the newest architecture this NVRTC knows; the driver compiles it for sm_" + want + ")";
            } finally {
                JNvrtc.nvrtcDestroyProgram(prog);
            }
        }

        private static String read(String name) throws IOException {
            String path = "/cuda/src/" + name;
            try (InputStream in = JCudaDevice.class.getResourceAsStream(path)) {
                if (in == null) throw new IOException("the classpath resource " + path + " is missing");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
