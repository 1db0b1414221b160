package org.hhnn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The convolution-side primitives (im2col … splitChannels) of one fast backend against ReferenceBackend.get()
 * (ReferenceConv) on fresh random inputs (the seed is in every failure message), every output, at DESIGN.md's
 * single-primitive bound ||fast − ref||/||ref|| ≤ 1e-5. Geometries cover square and rectangular kernels, stride 1–3,
 * padding 0–2, a window as large as the plane (global pooling), odd sizes, and sizes above the cpu parallel threshold.
 * Runners: cpu.ConvParityTest, cuda.CudaConvParityTest (cuda-emulated, and the GPU when present).
 */
public abstract class ConvParityCases extends ParityFixture {

    /** B, C, H, W, kh, kw, stride, pad. */
    private static final int[][] GEOMS = {
        {2, 3, 7, 6, 3, 3, 1, 1}, {3, 2, 9, 8, 3, 2, 2, 0}, {1, 1, 5, 5, 5, 5, 1, 0}, {2, 3, 6, 7, 2, 2, 2, 0},
        {2, 2, 10, 9, 3, 3, 3, 2}, {8, 16, 13, 13, 3, 3, 1, 1}, {4, 5, 11, 11, 2, 2, 2, 0}, {1, 2, 4, 9, 1, 3, 1, 0}};
    /** outer, channels, inner. */
    private static final int[][] BLOCKS = {{1, 1, 1}, {2, 3, 5}, {7, 1, 33}, {3, 17, 1}, {16, 12, 64}, {33, 40, 169}};

    protected ConvParityCases(ParityTarget target) { super(target); }

    private float[] randn(long n) { return randn(Math.toIntExact(n), 1); }

    private Twin rand(long n) { return randTwin(Math.toIntExact(n)); }

    private Twin nan(long n) { return nanTwin(Math.toIntExact(n)); }

    private static ConvGeom geom(int[] s) { return new ConvGeom(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]); }

    // ---- im2col / col2im, layout, bias ------------------------------------------------------------------------

    @Test void im2colMatchesReference() {
        for (int[] s : GEOMS) {
            ConvGeom g = geom(s);
            Twin x = rand(g.inputSize()), cols = nan(g.colRows() * g.colCols());
            fast().im2col(g, x.f, cols.f);
            ref.im2col(g, x.r, cols.r);
            check("im2col " + g, cols);
        }
    }

    @Test void col2imAccumulatesLikeReference() {
        for (int[] s : GEOMS) {
            ConvGeom g = geom(s);
            Twin cols = rand(g.colRows() * g.colCols()), x = rand(g.inputSize());   // x starts non-zero: col2im adds
            fast().col2im(g, cols.f, x.f);
            ref.col2im(g, cols.r, x.r);
            check("col2im " + g, x);
        }
    }

    @Test void swapAxesMatchesReference() {
        for (int[] s : BLOCKS) {
            Twin x = rand((long) s[0] * s[1] * s[2]), y = nan((long) s[0] * s[1] * s[2]);
            fast().swapAxes(x.f, y.f, s[0], s[1], s[2]);
            ref.swapAxes(x.r, y.r, s[0], s[1], s[2]);
            assertArrayEquals(y.refOut(), y.fastOut(), tag("swapAxes " + Arrays.toString(s)));   // a pure copy: exact
        }
    }

    @Test void channelBiasAndItsSumMatchReference() {
        for (int[] s : BLOCKS) {
            long n = (long) s[0] * s[1] * s[2];
            Twin x = rand(n), b = rand(s[1]), y = nan(n);
            fast().addChannelBias(x.f, b.f, y.f, s[0], s[1], s[2]);
            ref.addChannelBias(x.r, b.r, y.r, s[0], s[1], s[2]);
            check("addChannelBias " + Arrays.toString(s), y);
            fast().addChannelBias(x.f, b.f, x.f, s[0], s[1], s[2]);   // in place
            assertArrayEquals(y.fastOut(), x.fastOut(), tag("addChannelBias in place"));
            for (float beta : new float[] {0f, 0.5f}) {
                Twin sum = beta == 0f ? nan(s[1]) : rand(s[1]);
                fast().sumChannels(y.f, sum.f, s[0], s[1], s[2], beta);
                ref.sumChannels(y.r, sum.r, s[0], s[1], s[2], beta);
                check("sumChannels beta=" + beta + " " + Arrays.toString(s), sum);
            }
        }
    }

    // ---- fused convolution ----------------------------------------------------------------------------------------

    /**
     * GEOMS plus a 1x1 kernel (the cpu path without im2col), W4-sized layers, and stride-1 kernels over ≥ 8 channels
     * with rectangular windows and padding (the cpu's shifted-GEMM path); OC = 3 + C % 4, and 64 for 16 channels.
     */
    private static final int[][] CONV_GEOMS = {
        {3, 6, 5, 4, 1, 1, 1, 0}, {5, 16, 11, 11, 3, 3, 1, 0}, {2, 1, 28, 28, 3, 3, 1, 1}, {2, 9, 7, 10, 3, 2, 1, 1},
        {3, 12, 9, 8, 5, 5, 1, 2}, {2, 8, 6, 6, 1, 3, 1, 0}};

    private static int outChannels(int[] s) { return s[1] == 16 ? 64 : 3 + s[1] % 4; }

    @Test void conv2dForwardAndBackwardMatchReference() {
        List<int[]> all = new ArrayList<>(Arrays.asList(GEOMS));
        all.addAll(Arrays.asList(CONV_GEOMS));
        for (int[] s : all) {
            ConvGeom g = geom(s);
            int oc = outChannels(s);
            long ws = oc * g.colRows(), ys = (long) g.batch() * oc * g.outH() * g.outW();
            Twin x = rand(g.inputSize()), w = rand(ws), b = rand(oc), y = nan(ys);
            fast().conv2d(g, oc, x.f, w.f, b.f, y.f);
            ref.conv2d(g, oc, x.r, w.r, b.r, y.r);
            check("conv2d " + g + " oc " + oc, y);
            Twin y0 = nan(ys);
            fast().conv2d(g, oc, x.f, w.f, null, y0.f);
            ref.conv2d(g, oc, x.r, w.r, null, y0.r);
            check("conv2d without bias " + g, y0);

            Twin dy = rand(ys), dx = nan(g.inputSize()), dw = nan(ws), db = nan(oc);   // all overwritten
            fast().conv2dBackward(g, oc, x.f, w.f, dy.f, dx.f, dw.f, db.f);
            ref.conv2dBackward(g, oc, x.r, w.r, dy.r, dx.r, dw.r, db.r);
            check("conv2dBackward dx " + g, dx);
            check("conv2dBackward dw " + g, dw);
            check("conv2dBackward dbias " + g, db);
            Twin dx2 = nan(g.inputSize()), dw2 = nan(ws);
            fast().conv2dBackward(g, oc, x.f, w.f, dy.f, dx2.f, null, null);   // each gradient alone
            fast().conv2dBackward(g, oc, x.f, w.f, dy.f, null, dw2.f, null);
            assertArrayEquals(dx.fastOut(), dx2.fastOut(), tag("conv2dBackward dx alone " + g));
            assertArrayEquals(dw.fastOut(), dw2.fastOut(), tag("conv2dBackward dw alone " + g));
        }
    }

    // ---- pooling ----------------------------------------------------------------------------------------------

    @Test void maxPoolForwardAndBackwardMatchReference() {
        for (int[] s : GEOMS) {
            ConvGeom g = geom(s);
            Twin x = rand(g.inputSize()), y = nan(g.outputSize()), arg = nan(g.outputSize());
            fast().maxPool(g, x.f, y.f, arg.f);
            ref.maxPool(g, x.r, y.r, arg.r);
            check("maxPool y " + g, y);
            assertArrayEquals(arg.refOut(), arg.fastOut(), tag("maxPool argmax " + g));
            Twin dy = rand(g.outputSize()), dx = nan(g.inputSize());
            fast().maxPoolBackward(g, dy.f, arg.f, dx.f);
            ref.maxPoolBackward(g, dy.r, arg.r, dx.r);
            check("maxPoolBackward " + g, dx);
        }
    }

    @Test void maxPoolTiesPickTheFirstMaximum() {
        ConvGeom g = new ConvGeom(1, 1, 4, 4, 2, 2, 2, 0);
        float[] v = new float[16];
        Arrays.fill(v, 3f);   // every window ties: the first (ky, kx) position wins
        Twin x = new Twin(v), y = nan(4), arg = nan(4);
        fast().maxPool(g, x.f, y.f, arg.f);
        assertArrayEquals(new float[] {0, 2, 8, 10}, arg.fastOut(), tag("maxPool ties"));
    }

    @Test void avgPoolForwardAndBackwardMatchReference() {
        for (int[] s : GEOMS) {
            ConvGeom g = geom(s);
            Twin x = rand(g.inputSize()), y = nan(g.outputSize());
            fast().avgPool(g, x.f, y.f);
            ref.avgPool(g, x.r, y.r);
            check("avgPool " + g, y);
            Twin dy = rand(g.outputSize()), dx = nan(g.inputSize());
            fast().avgPoolBackward(g, dy.f, dx.f);
            ref.avgPoolBackward(g, dy.r, dx.r);
            check("avgPoolBackward " + g, dx);
        }
    }

    // ---- batch norm -------------------------------------------------------------------------------------------

    @Test void batchNormTrainEvalAndBackwardMatchReference() {
        for (int[] s : BLOCKS) {
            int outer = s[0], c = s[1], inner = s[2];
            long n = (long) outer * c * inner;
            float[] xv = randn(n);
            for (int i = 0; i < xv.length; i++) xv[i] = 2f * xv[i] + 0.7f;   // a non-zero mean and a non-unit variance
            Twin x = new Twin(xv), gamma = rand(c), beta = rand(c), y = nan(n), mean = nan(c), rstd = nan(c);
            float[] rv = randn(c);
            for (int i = 0; i < c; i++) rv[i] = Math.abs(rv[i]) + 0.5f;
            Twin runMean = rand(c), runVar = new Twin(rv);
            String what = Arrays.toString(s);
            fast().batchNorm(x.f, gamma.f, beta.f, runMean.f, runVar.f, y.f, mean.f, rstd.f, outer, c, inner, 0.1f, 1e-5f, true);
            ref.batchNorm(x.r, gamma.r, beta.r, runMean.r, runVar.r, y.r, mean.r, rstd.r, outer, c, inner, 0.1f, 1e-5f, true);
            check("batchNorm train y " + what, y);
            check("batchNorm train mean " + what, mean);
            check("batchNorm train rstd " + what, rstd);
            check("batchNorm runMean " + what, runMean);
            check("batchNorm runVar " + what, runVar);

            Twin dy = rand(n), dx = nan(n), dg = rand(c), db = rand(c);   // dgamma, dbeta accumulate
            fast().batchNormBackward(x.f, gamma.f, mean.f, rstd.f, dy.f, dx.f, dg.f, db.f, outer, c, inner);
            ref.batchNormBackward(x.r, gamma.r, mean.r, rstd.r, dy.r, dx.r, dg.r, db.r, outer, c, inner);
            if (outer * inner > 1) check("batchNormBackward dx " + what, dx);   // one entry per channel: dx = 0 ± rounding
            check("batchNormBackward dgamma " + what, dg);
            check("batchNormBackward dbeta " + what, db);

            Twin ye = nan(n);
            float[][] statsBefore = {runMean.fastOut(), runVar.fastOut(), runMean.refOut(), runVar.refOut()};
            fast().batchNorm(x.f, gamma.f, beta.f, runMean.f, runVar.f, ye.f, mean.f, rstd.f, outer, c, inner, 0.1f, 1e-5f, false);
            ref.batchNorm(x.r, gamma.r, beta.r, runMean.r, runVar.r, ye.r, mean.r, rstd.r, outer, c, inner, 0.1f, 1e-5f, false);
            check("batchNorm eval y " + what, ye);
            float[][] statsAfter = {runMean.fastOut(), runVar.fastOut(), runMean.refOut(), runVar.refOut()};
            String[] stat = {"fast runMean", "fast runVar", "reference runMean", "reference runVar"};
            for (int k = 0; k < stat.length; k++)
                assertArrayEquals(statsBefore[k], statsAfter[k], tag("batchNorm eval changed the " + stat[k] + " " + what));
        }
    }

    // ---- concat / split ---------------------------------------------------------------------------------------

    @Test void concatAndSplitChannelsMatchReference() {
        for (int[] s : BLOCKS) {
            int outer = s[0], ca = s[1], cb = 1 + s[1] % 5, inner = s[2];
            Twin a = rand((long) outer * ca * inner), b = rand((long) outer * cb * inner), y = nan((long) outer * (ca + cb) * inner);
            fast().concatChannels(a.f, b.f, y.f, outer, ca, cb, inner);
            ref.concatChannels(a.r, b.r, y.r, outer, ca, cb, inner);
            assertArrayEquals(y.refOut(), y.fastOut(), tag("concatChannels " + Arrays.toString(s)));
            Twin a2 = nan((long) outer * ca * inner), b2 = nan((long) outer * cb * inner);
            fast().splitChannels(y.f, a2.f, b2.f, outer, ca, cb, inner);
            assertArrayEquals(a.fastOut(), a2.fastOut(), tag("split a"));
            assertArrayEquals(b.fastOut(), b2.fastOut(), tag("split b"));
            Twin b3 = nan((long) outer * cb * inner);
            fast().splitChannels(y.f, null, b3.f, outer, ca, cb, inner);
            assertArrayEquals(b.fastOut(), b3.fastOut(), tag("split b alone"));
        }
    }

    // ---- validation -------------------------------------------------------------------------------------------

    @Test void shortBuffersAreRefusedWithTheirSizes() {
        ConvGeom g = new ConvGeom(2, 3, 5, 5, 3, 3, 1, 1);
        Twin x = rand(g.inputSize()), cols = rand(g.colRows() * g.colCols() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fast().im2col(g, x.f, cols.f));
        assertTrue(e.getMessage().contains("im2col") && e.getMessage().contains("cols"), e.getMessage());
        Twin small = rand(3);
        e = assertThrows(IllegalArgumentException.class, () -> fast().batchNorm(x.f, small.f, small.f, small.f, small.f, x.f,
                small.f, small.f, 1, 6, 25, 0.1f, 1e-5f, true));   // 6 channels, gamma holds 3
        assertTrue(e.getMessage().contains("batchNorm") && e.getMessage().contains("gamma"), e.getMessage());
        Twin w = rand(4 * 27 - 1), y = rand(2 * 4 * 25);
        e = assertThrows(IllegalArgumentException.class, () -> fast().conv2d(g, 4, x.f, w.f, null, y.f));   // w holds OC·27 − 1
        assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("w"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvGeom(1, 1, 4, 4, 3, 3, 1, 3));   // pad ≥ kernel
    }
}
