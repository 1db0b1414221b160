package org.hhnn.backend.cpu;

import org.hhnn.backend.Buffer;
import org.hhnn.backend.CheckedBackend;
import org.hhnn.backend.ConvGeom;
import org.hhnn.backend.HhSpec;
import org.hhnn.backend.ProbedBackend;

/**
 * The native CPU backend: JNI into libhhnn ({@code native/}: OpenMP loops over the shared {@code kernels/*.cuh} math,
 * OpenBLAS sgemm). Semantics are {@link org.hhnn.backend.ReferenceBackend}'s, checked by {@code CpuParityTest} and the
 * other cpu parity runners. {@link CheckedBackend} validates every argument before the native call, so native code never
 * touches memory outside the buffers it was given. This is the backend's one class of native methods: each ends in 0
 * and is implemented in {@code native/cpu_*.cpp} as {@code HHNN_JNI(ret, name)} (native/jni_util.h); addresses are
 * {@link NativeBuffer#address}es, sizes are in floats, native errors arrive as Java exceptions.
 */
public final class CpuBackend extends CheckedBackend {

    private static final CpuBackend INSTANCE = new CpuBackend();
    private static final ProbedBackend<CpuBackend> PROBED = new ProbedBackend<>(CpuBackend::open);

    private CpuBackend() { super(NativeBuffer.class); }

    // ---- availability and runtime ---------------------------------------------------------

    /** Whether libhhnn loads here and passes its self-test (a 2x2 gemm end to end); probed once. */
    public static boolean isAvailable() { return PROBED.isAvailable(); }

    /** Null when available, else one sentence saying what is missing and how to get it. */
    public static String unavailabilityCause() { return PROBED.cause(); }

    /** The backend; throws BackendUnavailableException (one sentence) when it cannot run here. */
    public static CpuBackend get() { return PROBED.get(cause -> cause); }

    /** The file libhhnn was loaded from, or null when it was not loaded. */
    public static String libraryPath() { return NativeLoader.loadedFrom(); }

    /** OpenBLAS's build configuration, core and threading model. */
    public static String blasInfo() {
        get();
        return blasInfo0();
    }

    /** Threads used by the native loops and by sgemm (default: OMP_NUM_THREADS or the core count). */
    public static int threads() {
        get();
        return threads0();
    }

    /** Sets the thread count of the native loops and of OpenBLAS, for calls from any Java thread. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("cpu backend: thread count must be >= 1, got " + n);
        get();
        setThreads0(n);
    }

    // Loads the library and runs one tiny real op through the same path every primitive takes; fails with one sentence.
    private static CpuBackend open() {
        NativeLoader.load();   // its failure is already one sentence
        try {
            String nativeFailure = probe0();
            if (nativeFailure != null) throw new IllegalStateException(nativeFailure);
            return ProbedBackend.gemmSelfTest(INSTANCE);
        } catch (Throwable t) {
            String why = String.valueOf(t.getMessage()).strip().replaceAll("\\.$", "");
            throw new IllegalStateException("The cpu backend's native library (" + NativeLoader.loadedFrom()
                    + ") failed its self-test (" + t.getClass().getSimpleName() + ": " + why
                    + "); rebuild it with ./hhnn build or mvn -q package from the repo root.", t);
        }
    }

    @Override public String name() { return "cpu"; }

    // ---- runtime and memory (native/cpu_runtime.cpp, native/cpu_memory.cpp) ------------------------------------------

    /** The version libhhnn was built as (CMake's HHNN_VERSION); NativeLoader compares it with the jar's. */
    static native String version0();
    private static native void setThreads0(int n);
    private static native int threads0();
    private static native String blasInfo0();
    /** Runs a tiny sgemm and an OpenMP reduction; null when both are right, else what went wrong. */
    private static native String probe0();
    /** 64-byte-aligned n floats, zero-filled when zero is set; throws OutOfMemoryError. */
    private static native long alloc0(long n, boolean zero);
    /** n: the length alloc0 was given (large blocks are kept for reuse by size). */
    private static native void free0(long address, long n);

    @Override protected long address(Buffer b) { return ((NativeBuffer) b).address; }

    @Override protected Buffer newBuffer(long n, boolean zero) { return new NativeBuffer(n, alloc0(n, zero)); }

    @Override protected void release(Buffer b) { free0(((NativeBuffer) b).address, b.length); }

    @Override protected native void upload0(float[] src, long dst);
    @Override protected native void download0(long src, float[] dst);
    @Override protected native void copy0(long src, long srcOff, long dst, long dstOff, long n);
    @Override protected native void fill0(long dst, float value, long n);

    // ---- linear algebra, elementwise (native/cpu_gemm.cpp, native/cpu_elementwise.cpp) --------------------------------

    @Override protected native void gemm0(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, long b,
                                          float beta, long c);
    @Override protected native void addBias0(long x, long bias, long y, int rows, int cols);
    @Override protected native void sumRows0(long x, long y, int rows, int cols, float beta);
    @Override protected native void sumCols0(long x, long y, int rows, int cols, float beta);
    @Override protected native void unary0(int op, long x, long y, long n);
    @Override protected native void unaryBackward0(int op, long x, long y, long dy, long dx, long n);
    @Override protected native void binary0(int op, long a, long b, long out, long n);
    @Override protected native void axpby0(float alpha, long x, float beta, long y, long n);
    @Override protected native double sumSquares0(long x, long n);
    @Override protected native double sum0(long x, long n);

    // ---- losses, regularisation, optimizers (native/cpu_loss.cpp, native/cpu_optim.cpp) -------------------------------

    @Override protected native void softmaxCrossEntropy0(long logits, int[] labels, long probs, long loss, int rows, int cols);
    @Override protected native void softmaxCrossEntropyGrad0(long logits, int[] labels, float scale, long loss, long dlogits, int rows, int cols);
    @Override protected native void softmaxCrossEntropyBackward0(long probs, int[] labels, float scale, long dlogits, int rows, int cols);
    @Override protected native void dropout0(long x, long mask, long y, float p, long seed, long n);
    @Override protected native void layerNorm0(long x, long gamma, long beta, long y, long mean, long rstd, int rows, int cols, float eps);
    @Override protected native void layerNormBackward0(long x, long gamma, long mean, long rstd, long dy,
                                                       long dx, long dgamma, long dbeta, int rows, int cols);
    @Override protected native void sgdUpdate0(long param, long grad, long velocity, long n,
                                               float lr, float momentum, float weightDecay, boolean nesterov);
    @Override protected native void adamUpdate0(long param, long grad, long m, long v, long n, float lr, float beta1, float beta2,
                                                float eps, float weightDecay, boolean decoupled, int step);

    // ---- HH window, Legendre (native/cpu_hh.cpp, native/cpu_legendre.cpp) ---------------------------------------------

    // The spec crosses as HhSpec.pack(): the order kernels/hh.cuh's HhParams reads.
    @Override protected void hhForward0(HhSpec spec, long state, long current, long cond,
                                        long stateOut, long basisSum, long spikes, int batch, int neurons) {
        hhForward0(spec.pack(), state, current, cond, stateOut, basisSum, spikes, batch, neurons);
    }

    private native void hhForward0(float[] params, long state, long current, long cond,
                                   long stateOut, long basisSum, long spikes, int batch, int neurons);

    @Override protected void hhBackward0(HhSpec spec, long state, long current, long cond, long dStateOut, long dBasisSum,
                                         long dSpikes, long dState, long dCurrent, long dCond, int batch, int neurons) {
        hhBackward0(spec.pack(), state, current, cond, dStateOut, dBasisSum, dSpikes, dState, dCurrent, dCond, batch, neurons);
    }

    private native void hhBackward0(float[] params, long state, long current, long cond, long dStateOut, long dBasisSum,
                                    long dSpikes, long dState, long dCurrent, long dCond, int batch, int neurons);

    @Override protected native void legendreForward0(long x, long coeffs, long y, int rows, int cols, int degree);
    @Override protected native void legendreBackward0(long x, long coeffs, long dy, long dx, long dCoeffs, int rows, int cols, int degree);
    @Override protected native void legendreBasis0(long x, long basis, int rows, int cols, int degree);
    @Override protected native void legendreBasisBackward0(long x, long dBasis, long dx, int rows, int cols, int degree);
    @Override protected native void neuronReadout0(long basis, long coeffs, long y, int batch, int neurons, int k);
    @Override protected native void neuronReadoutBackward0(long basis, long coeffs, long dy, long dBasis, long dCoeffs,
                                                           int batch, int neurons, int k);

    // ---- convolution side (native/cpu_conv.cpp, native/cpu_conv2d.cpp) -------------------------------------------------
    // The geometry crosses as its 8 defining ints B, C, H, W, KH, KW, S, P (native code derives OH, OW).

    @Override protected void im2col0(ConvGeom g, long x, long cols) {
        im2col0(x, cols, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void im2col0(long x, long cols, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected void col2im0(ConvGeom g, long cols, long x) {
        col2im0(cols, x, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void col2im0(long cols, long x, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected void conv2d0(ConvGeom g, int oc, long x, long w, long bias, long y) {
        conv2d0(x, w, bias, y, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad(), oc);
    }

    private native void conv2d0(long x, long w, long bias, long y, int b, int c, int h, int wd, int kh, int kw, int s, int p, int oc);

    @Override protected void conv2dBackward0(ConvGeom g, int oc, long x, long w, long dy, long dx, long dw, long dbias) {
        conv2dBackward0(x, w, dy, dx, dw, dbias, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(),
                g.stride(), g.pad(), oc);
    }

    private native void conv2dBackward0(long x, long w, long dy, long dx, long dw, long dbias,
                                        int b, int c, int h, int wd, int kh, int kw, int s, int p, int oc);

    @Override protected void maxPool0(ConvGeom g, long x, long y, long argmax) {
        maxPool0(x, y, argmax, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void maxPool0(long x, long y, long argmax, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected void maxPoolBackward0(ConvGeom g, long dy, long argmax, long dx) {
        maxPoolBackward0(dy, argmax, dx, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void maxPoolBackward0(long dy, long argmax, long dx, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected void avgPool0(ConvGeom g, long x, long y) {
        avgPool0(x, y, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void avgPool0(long x, long y, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected void avgPoolBackward0(ConvGeom g, long dy, long dx) {
        avgPoolBackward0(dy, dx, g.batch(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.stride(), g.pad());
    }

    private native void avgPoolBackward0(long dy, long dx, int b, int c, int h, int w, int kh, int kw, int s, int p);

    @Override protected native void swapAxes0(long x, long y, int a, int b, int inner);
    @Override protected native void addChannelBias0(long x, long bias, long y, int outer, int channels, int inner);
    @Override protected native void sumChannels0(long x, long y, int outer, int channels, int inner, float beta);
    @Override protected native void batchNorm0(long x, long gamma, long beta, long runMean, long runVar, long y, long mean, long rstd,
                                               int outer, int channels, int inner, float momentum, float eps, boolean training);
    @Override protected native void batchNormBackward0(long x, long gamma, long mean, long rstd, long dy, long dx, long dgamma,
                                                       long dbeta, int outer, int channels, int inner);
    @Override protected native void concatChannels0(long a, long b, long y, int outer, int ca, int cb, int inner);
    @Override protected native void splitChannels0(long y, long a, long b, int outer, int ca, int cb, int inner);

    // ---- modulated activation, LSTM cell, embedding (native/cpu_modact.cpp, cpu_lstm.cpp, cpu_embedding.cpp) ------------

    @Override protected native void modActForward0(int act, int modAct, long v, long u, long out, int outer, int channels, int inner);
    @Override protected native void modActBackward0(int act, int modAct, long v, long u, long dout, long dv, long du,
                                                    int outer, int channels, int inner);
    @Override protected native void lstmCellForward0(int cell, int modAct, long gates, long cPrev, long hPrev, long mask,
                                                     long c, long h, int batch, int hidden);
    @Override protected native void lstmCellBackward0(int cell, int modAct, long gates, long cPrev, long mask, long dc, long dh,
                                                      long dGates, long dcPrev, long dhPrev, int batch, int hidden);
    @Override protected native void embeddingForward0(long table, int[] ids, long out, int n, int vocab, int dim);
    @Override protected native void embeddingBackward0(int[] ids, long dOut, long dTable, int n, int vocab, int dim);
}
