package org.hhnn.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for an epoch, e.g.
 * <pre>epoch 1/3 [=========>          ] 45%  loss 0.4123  12,345 samples/s  ETA 0:12</pre>
 * On a terminal it redraws in place with '\r', at most every 100 ms and always at the end. When not
 * interactive (CI, pipes, log files) it never redraws: it prints a plain line only as progress crosses 25%, 50%, 75% and
 * 100%, so logs stay short. Interactive lines are cut to the terminal's width (COLUMNS, else 80), so a narrow
 * terminal does not wrap them into new lines on every redraw. Not thread-safe: call it from the training loop's thread.
 */
public final class ProgressBar {

    private static final int WIDTH = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long start;
    private final int columns;

    private long lastDrawNanos;
    private boolean drawnOnce;
    private int lastLength;          // characters of the last interactive line, to blank leftovers
    private int nextQuarter = 1;     // non-interactive: the next multiple of 25% that prints a line
    private long done;
    private double loss;
    private double samplesPerSec;

    /** A bar over {@code total} units (samples or batches); {@code interactive} selects '\r' redraws. */
    public ProgressBar(PrintStream out, String label, long total, boolean interactive) {
        this(out, label, total, interactive, System::nanoTime, terminalColumns());
    }

    /** With an explicit clock, so tests can fix the elapsed time. */
    ProgressBar(PrintStream out, String label, long total, boolean interactive, LongSupplier nanoClock) {
        this(out, label, total, interactive, nanoClock, 80);
    }

    /** With an explicit clock and terminal width. */
    ProgressBar(PrintStream out, String label, long total, boolean interactive, LongSupplier nanoClock, int columns) {
        if (columns < 10) throw new IllegalArgumentException("terminal width must be at least 10 columns, got " + columns);
        this.columns = columns;
        if (total <= 0) throw new IllegalArgumentException("progress total must be positive, got " + total);
        this.out = out;
        this.label = label;
        this.total = total;
        this.interactive = interactive;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** A bar on stderr, interactive when the JVM has a console (stdin and stdout are a terminal). */
    public static ProgressBar stderr(String label, long total) {
        return on(System.err, label, total);
    }

    /**
     * A bar on {@code out}: interactive only for the process's own stderr on a terminal (a console, TERM not "dumb");
     * any other stream (a log file, a test's buffer) gets the plain lines.
     */
    public static ProgressBar on(PrintStream out, String label, long total) {
        boolean tty = out == System.err && System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new ProgressBar(out, label, total, tty);
    }

    /** The terminal's width from COLUMNS (what shells export), else 80. */
    static int terminalColumns() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").strip());
            return c >= 10 ? c : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** Records progress; {@code done} is clamped to [0, total]. Draws if due (see the class comment). */
    public void update(long done, double loss, double samplesPerSec) {
        this.done = Math.max(0, Math.min(total, done));
        this.loss = loss;
        this.samplesPerSec = samplesPerSec;
        long now = clock.getAsLong();
        boolean end = this.done == total;
        if (interactive) {
            if (end || !drawnOnce || now - lastDrawNanos >= REDRAW_NANOS) {
                redraw();
                lastDrawNanos = now;
            }
        } else if (this.done * 4 >= nextQuarter * total) {
            out.println(render(now));
            // Jump past every quarter crossed at once, so a big step prints one line, not several.
            nextQuarter = (int) (this.done * 4 / total) + 1;
        }
    }

    /**
     * Ends the bar. A non-empty {@code summary} is the line that stays: on a terminal it replaces the
     * bar, otherwise it is printed after the progress lines. An empty one keeps the final bar.
     */
    public void finish(String summary) {
        if (interactive) {
            if (summary.isEmpty()) redraw();
            else out.print("\r" + summary + " ".repeat(Math.max(0, lastLength - summary.length())));
            out.println();
        } else if (!summary.isEmpty()) {
            out.println(summary);
        }
        out.flush();
    }

    private void redraw() {
        String line = render(clock.getAsLong());
        // One column short of the width: writing the last column makes some terminals wrap.
        if (line.length() > columns - 1) line = line.substring(0, columns - 1);
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
        drawnOnce = true;
    }

    /** The bar text for the current state at time {@code now}; package-private for tests. */
    String render(long now) {
        double frac = (double) done / total;
        int filled = (int) (frac * WIDTH);
        String bar = filled >= WIDTH ? "=".repeat(WIDTH) : "=".repeat(filled) + ">" + " ".repeat(WIDTH - filled - 1);
        StringBuilder s = new StringBuilder();
        s.append(label).append(" [").append(bar).append("] ")
                .append((int) (frac * 100)).append('%')
                .append(String.format(Locale.ROOT, "  loss %.4f", loss));
        // Skipped until meaningful: the first batch can report 0 or Infinity.
        if (Double.isFinite(samplesPerSec) && samplesPerSec > 0) s.append(String.format(Locale.ROOT, "  %,.0f samples/s", samplesPerSec));
        s.append("  ETA ").append(eta(now));
        return s.toString();
    }

    /** Remaining time assuming the rate so far holds; "--:--" before any progress. */
    private String eta(long now) {
        if (done == 0) return "--:--";
        double elapsed = (now - start) / 1e9;
        long secs = Math.round(elapsed * (total - done) / done);
        long h = secs / 3600, m = secs % 3600 / 60, sec = secs % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
