package org.hhnn.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hhnn.backend.Backend;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;

/**
 * Soak: trains a small model on the cpu backend for many epochs and prints the process's resident memory (VmRSS from
 * /proc/self/status: Java heap, native buffers, everything) after each one, to show it flat after warm-up. Run it in
 * a JVM with a fixed, pre-touched heap, so that RSS moves only with what is not the Java heap:
 * {@code tools/soak [EPOCHS] [MODEL]} (200 epochs of hhnn by default); {@link SoakTest} runs a short one in CI.
 *
 * <p>Output: one line per epoch, {@code epoch N rss_kb R} and the JVM's own parts ({@link JvmMemory#columns}), then, with
 * {@code -XX:NativeMemoryTracking=summary}, what the JVM's native memory did from warm-up to the end by category, and
 * {@code growth_kb G after warm-up W}: the largest RSS of the epochs after W minus the RSS at epoch W.
 */
public final class Soak {
    private Soak() {}

    /** RSS of this process in kB. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }

    /** Gaussian blobs: n samples of f features in k classes, fixed seed. */
    static Dataset blobs(int n, int f, int k) {
        Random r = new Random(7);
        float[][] centres = new float[k][f];
        for (float[] c : centres) for (int i = 0; i < f; i++) c[i] = (float) r.nextGaussian();
        float[] x = new float[n * f];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = s % k;
            for (int i = 0; i < f; i++) x[s * f + i] = centres[y[s]][i] + 0.8f * (float) r.nextGaussian();
        }
        return new Dataset("blobs", x, y, new int[] {f}, k, null);
    }

    /** RSS (kB) after each of {@code epochs} epochs of {@code model} on blobs; the log lines go to {@code report}. */
    static long[] run(String model, int epochs, int warmup, PrintStream report) {
        Backend backend = CpuBackend.get();
        Dataset data = blobs(512, 32, 4);
        Dataset.Split split = data.split(0.25, 1);
        var config = Models.defaults(model, data.features(), data.numClasses());
        if (model.equals("hhnn")) Models.applyOverrides(config, Map.of("neurons", "32", "steps", "100", "window", "50"));
        Network net = Models.build(config, backend, 1L);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = epochs;
        cfg.batchSize = 32;
        cfg.progress = false;
        cfg.lrSteps = new double[0];
        List<Long> rss = new ArrayList<>();
        // The trainer prints one summary line per epoch: sample RSS right then.
        PrintStream log = new PrintStream(OutputStream.nullOutputStream()) {
            @Override public void println(String line) {
                if (line.startsWith("epoch ")) {
                    long kb = rssKb();
                    rss.add(kb);
                    report.println("epoch " + rss.size() + " rss_kb " + kb + " " + JvmMemory.columns() + "  (" + line + ")");
                    if (rss.size() == warmup) JvmMemory.baseline();
                }
            }
        };
        new Trainer(net, backend, cfg, log).fit(split.train(), split.validation());
        net.body.free();
        return rss.stream().mapToLong(Long::longValue).toArray();
    }

    /** Largest RSS after epoch {@code warmup} minus the RSS at it (kB). */
    static long growthKb(long[] rss, int warmup) {
        long max = Long.MIN_VALUE;
        for (int e = warmup; e < rss.length; e++) max = Math.max(max, rss[e]);
        return max - rss[warmup - 1];
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String model = args.length > 1 ? args[1] : "hhnn";
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : Math.max(1, epochs / 10);
        long[] rss = run(model, epochs, warmup, System.out);
        String diff = JvmMemory.diffSinceBaseline();
        if (!diff.isEmpty()) System.out.println("jvm native memory since warm-up (NMT): " + diff);
        System.out.println("growth_kb " + growthKb(rss, warmup) + " after warm-up " + warmup + " (rss_kb at it " + rss[warmup - 1]
                + ", at the end " + rss[rss.length - 1] + ")");
    }
}
