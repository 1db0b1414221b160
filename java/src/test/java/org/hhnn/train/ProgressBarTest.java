package org.hhnn.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ProgressBarTest {

    /** A settable clock in nanoseconds. */
    private static final class Clock {
        long now;
        void advanceMillis(long ms) { now += ms * 1_000_000L; }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final Clock clock = new Clock();

    private String output() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void rendersPercentLossRateAndEta() {
        ProgressBar bar = new ProgressBar(out, "epoch 1/3", 100, true, () -> clock.now);
        clock.advanceMillis(10_000);
        bar.update(45, 0.41234, 12_345);
        // 45% in 10 s: the remaining 55% take 12.2 s.
        assertEquals("\repoch 1/3 [=========>          ] 45%  loss 0.4123  12,345 samples/s  ETA 0:12", output());
    }

    @Test
    void etaBeforeProgressAndInHours() {
        ProgressBar bar = new ProgressBar(out, "e", 1000, true, () -> clock.now);
        assertTrue(bar.render(clock.now).endsWith("] 0%  loss 0.0000  ETA --:--"), bar.render(clock.now));
        clock.advanceMillis(3_600_000);
        bar.update(1, Double.NaN, 0);
        // 1/1000 in an hour leaves 999 hours; a NaN loss is shown, a zero rate is not.
        assertTrue(output().endsWith("[>                   ] 0%  loss NaN  ETA 999:00:00"), output());
    }

    @Test
    void interactiveRedrawsAtMostEvery100msAndAlwaysAtTheEnd() {
        ProgressBar bar = new ProgressBar(out, "epoch 2/3", 1000, true, () -> clock.now);
        for (int done = 1; done <= 1000; done++) {
            clock.advanceMillis(1);  // 1 s in all: about 10 redraws
            bar.update(done, 0.5, 1000);
        }
        bar.finish("epoch 2/3  train_loss 0.5000");
        String s = output();
        long redraws = s.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 13, "redraws: " + redraws);
        assertTrue(s.contains("[====================] 100%"), "final state drawn");
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line in the end");
        String last = s.substring(s.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("epoch 2/3  train_loss 0.5000   "), "summary replaces the bar, blanking leftovers: " + last);
        assertTrue(last.strip().equals("epoch 2/3  train_loss 0.5000") && last.endsWith("\n"));
    }

    @Test
    void nonInteractivePrintsAFewPlainLines() {
        ProgressBar bar = new ProgressBar(out, "epoch 1/1", 10_000, false, () -> clock.now);
        for (int done = 10; done <= 10_000; done += 10) {
            clock.advanceMillis(5);
            bar.update(done, 0.25, 2000);
        }
        bar.finish("epoch 1/1  train_loss 0.2500");
        String s = output();
        assertFalse(s.contains("\r"));
        String[] lines = s.split("\n");
        assertEquals(5, lines.length, s);
        assertTrue(lines[0].contains("] 25%"), lines[0]);
        assertTrue(lines[1].contains("] 50%"), lines[1]);
        assertTrue(lines[2].contains("] 75%"), lines[2]);
        assertTrue(lines[3].contains("] 100%") && lines[3].contains("ETA 0:00"), lines[3]);
        assertEquals("epoch 1/1  train_loss 0.2500", lines[4]);
    }

    @Test
    void aBigStepPrintsOneLine() {
        ProgressBar bar = new ProgressBar(out, "e", 8, false, () -> clock.now);
        bar.update(7, 1, 1);  // crosses 25%, 50% and 75% at once
        bar.update(8, 1, 1);
        assertEquals(2, output().split("\n").length, output());
    }

    @Test
    void interactiveLinesFitTheTerminalWidth() {
        ProgressBar bar = new ProgressBar(out, "epoch 12/300 of a long label", 1000, true, () -> clock.now, 40);
        for (int done = 100; done <= 1000; done += 100) {
            clock.advanceMillis(200);
            bar.update(done, 0.123456, 12345);
        }
        for (String seg : output().split("\r")) assertTrue(seg.length() <= 39, "'" + seg + "' is wider than 39 columns");
        assertTrue(output().contains("epoch 12/300 of a long label ["), output());
    }

    /** The Trainer draws on the stream it is given, as plain lines when that stream is not the terminal. */
    @Test
    void trainerUsesItsGivenStream() {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream log = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        int n = 64, f = 4;
        float[] x = new float[n * f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) { y[i] = i % 2; x[i * f + y[i]] = 1; }
        org.hhnn.data.Dataset d = new org.hhnn.data.Dataset("two", x, y, new int[] {f}, 2, null);
        var be = org.hhnn.backend.ReferenceBackend.get();
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 1;
        cfg.batchSize = 8;
        cfg.progress = true;
        new Trainer(org.hhnn.nn.Models.build(org.hhnn.nn.Models.defaults("mlp", f, 2), be, 1L), be, cfg, log).fit(d, null);
        String s = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"), s);
        assertTrue(s.contains("epoch 1/1 [=====>") && s.contains("] 25%"), s);
        assertTrue(s.contains("] 100%"), s);
    }
}
