package org.hhnn.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PNG charts of training runs and simulations, drawn with XChart, written atomically to exactly the
 * path given (no extension is appended). Works without a display.
 */
public final class Plots {

    static {
        // Must happen before the first AWT class initialises; an explicit -Djava.awt.headless wins.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Size of one chart panel in pixels; stacked panels make the image taller. */
    public static final int WIDTH = 800;
    public static final int PANEL_HEIGHT = 400;
    /** Beyond this many points per series, markers hide the line instead of helping. */
    private static final int MAX_POINTS_WITH_MARKERS = 60;

    private Plots() {}

    /**
     * Loss per epoch (train, and validation if given) above validation accuracy per epoch; epochs are
     * numbered from 1. With no accuracy values only the loss panel is drawn, so the image is
     * {@link #WIDTH}×{@link #PANEL_HEIGHT} instead of {@link #WIDTH}×2·{@link #PANEL_HEIGHT}.
     * Non-finite values (a diverged loss) are drawn as gaps.
     */
    public static void trainingCurves(Path png, List<Double> trainLoss, List<Double> valLoss,
                                      List<Double> valAccuracy, String title) throws IOException {
        if (trainLoss.isEmpty()) throw new IllegalArgumentException("no training loss values to plot");
        List<XYChart> panels = new ArrayList<>();
        XYChart loss = chart(title, "epoch", "loss");
        addEpochSeries(loss, "train loss", trainLoss);
        if (!valLoss.isEmpty()) addEpochSeries(loss, "validation loss", valLoss);
        panels.add(loss);
        if (!valAccuracy.isEmpty()) {
            XYChart acc = chart("validation accuracy", "epoch", "accuracy");
            addEpochSeries(acc, "validation accuracy", valAccuracy);
            if (valAccuracy.stream().allMatch(a -> a >= 0 && a <= 1)) {
                // A fixed [0, 1] axis keeps runs comparable by eye.
                acc.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            }
            panels.add(acc);
        }
        save(png, panels);
    }

    /**
     * One chart of named series, each {@code {xs, ys}} of equal length, for F–I curves, voltage traces
     * and the like. Series are drawn in map order without markers.
     */
    public static void lines(Path png, String title, String xLabel, String yLabel,
                             Map<String, double[][]> series) throws IOException {
        if (series.isEmpty()) throw new IllegalArgumentException("no series to plot in '" + title + "'");
        XYChart c = chart(title, xLabel, yLabel);
        series.forEach((name, xy) -> {
            if (xy.length != 2 || xy[0].length != xy[1].length || xy[0].length == 0) {
                throw new IllegalArgumentException("series '" + name + "' must be {xs, ys} of equal, non-zero length");
            }
            XYSeries s = c.addSeries(name, xy[0], gaps(xy[1]));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineWidth(1.5f);  // thinner than the default: dense traces (spikes) stay readable
        });
        // Outside the plot: traces fill the whole area, so an inside legend would hide data.
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        save(png, List.of(c));
    }

    private static XYChart chart(String title, String xLabel, String yLabel) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT)
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("#.##"); // tick labels like 46.08, not 46.075000686571
        return c;
    }

    private static void addEpochSeries(XYChart c, String name, List<Double> values) {
        double[] xs = new double[values.size()];
        double[] ys = new double[values.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i + 1;
            ys[i] = values.get(i);
        }
        XYSeries s = c.addSeries(name, xs, gaps(ys));
        if (xs.length > MAX_POINTS_WITH_MARKERS) s.setMarker(SeriesMarkers.NONE);
    }

    /** XChart draws NaN as a gap but lets ±Infinity blow up the axis range; make both gaps. */
    public static double[] gaps(double[] ys) {
        double[] out = ys.clone();
        for (int i = 0; i < out.length; i++) if (!Double.isFinite(out[i])) out[i] = Double.NaN;
        return out;
    }

    /** A heat map of a confusion matrix (rows: true class, columns: predicted class), counts in each cell. */
    public static void confusionHeatMap(Path png, Confusion c, String title) throws IOException {
        int k = c.classes().length;
        org.knowm.xchart.HeatMapChart chart = new org.knowm.xchart.HeatMapChartBuilder().width(WIDTH).height(WIDTH).title(title)
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setPlotContentSize(1);
        List<Number> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < k; i++) { xs.add(i); ys.add(i); }
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++) cells.add(new Number[] {p, t, c.counts()[t][p]});
        chart.addSeries("counts", xs, ys, cells);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", bytes);
        AtomicFiles.writeBytes(png, bytes.toByteArray());
    }

    /** Renders the panels stacked top to bottom into one PNG. */
    private static void save(Path png, List<XYChart> panels) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), 0, i * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // Encoding in memory lets the file be written atomically and under its exact name
        // (BitmapEncoder.saveBitmap would append ".png" to names without it).
        ImageIO.write(img, "png", bytes);
        AtomicFiles.writeBytes(png, bytes.toByteArray());
    }
}
