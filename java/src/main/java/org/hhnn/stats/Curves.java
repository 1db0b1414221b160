package org.hhnn.stats;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.train.AtomicFiles;
import org.hhnn.train.Plots;
import org.hhnn.train.Trainer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Per-epoch curves of a comparison's runs (the modulation paper's Figures 4 and 5): for each model, every run's
 * curve drawn thin, their mean drawn thick, and a band of the mean ± the standard deviation over the runs that reached
 * that epoch (runs stopped early are shorter).
 */
final class Curves {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** The per-epoch arrays of a run's metrics that are drawn, each where every run has it. */
    static final List<String> KEYS = List.of("train_accuracy", "val_accuracy", "train_ppl_per_epoch", "val_ppl_per_epoch");

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207), new Color(140, 86, 75), new Color(127, 127, 127)};

    private Curves() {}

    /** One model's runs of one curve: runs[r][epoch], NaN where a run has no figure. */
    record Band(String model, double[][] runs) {
        double[] mean() { return column(false); }
        double[] std() { return column(true); }

        private double[] column(boolean std) {
            int len = 0;
            for (double[] r : runs) len = Math.max(len, r.length);
            double[] out = new double[len];
            for (int e = 0; e < len; e++) {
                List<Double> v = new ArrayList<>();
                for (double[] r : runs) if (e < r.length && Double.isFinite(r[e])) v.add(r[e]);
                double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
                out[e] = a.length == 0 ? Double.NaN : std ? (a.length < 2 ? 0 : Stats.std(a)) : Stats.mean(a);
            }
            return out;
        }
    }

    /** The curve key of each run's metrics, or null when some run lacks it. */
    static double[][] runs(List<JsonObject> metrics, String key) {
        double[][] r = new double[metrics.size()][];
        for (int i = 0; i < r.length; i++) {
            JsonElement e = metrics.get(i).get(key);
            if (e == null || !e.isJsonArray()) return null;
            JsonArray a = e.getAsJsonArray();
            r[i] = new double[a.size()];
            for (int j = 0; j < a.size(); j++) r[i][j] = a.get(j).isJsonNull() ? Double.NaN : a.get(j).getAsDouble();
        }
        return r;
    }

    /** The mean and std per epoch of each band, for compare.json. */
    static JsonObject json(List<Band> bands) {
        JsonObject o = new JsonObject();
        for (Band b : bands) {
            JsonObject m = new JsonObject();
            JsonArray mean = new JsonArray(), std = new JsonArray();
            for (double v : b.mean()) mean.add(Trainer.num(v));
            for (double v : b.std()) std.add(Trainer.num(v));
            m.add("mean", mean);
            m.add("std", std);
            o.add(b.model(), m);
        }
        return o;
    }

    /** All models' bands of one curve in one chart. */
    static void plot(Path png, String key, String title, List<Band> bands) throws IOException {
        String what = key.replace("_per_epoch", "").replace('_', ' ');
        XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").yAxisTitle(what).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisDecimalPattern("#");
        Map<String, Color> colours = new LinkedHashMap<>();
        for (Band b : bands) colours.put(b.model(), PALETTE[colours.size() % PALETTE.length]);
        for (Band b : bands) {
            Color col = colours.get(b.model());
            double[] mean = b.mean(), std = b.std();
            int n = mean.length;
            // The band as a closed polygon: mean + std forwards, mean - std backwards.
            double[] px = new double[2 * n], py = new double[2 * n];
            for (int e = 0; e < n; e++) {
                px[e] = e + 1;
                py[e] = mean[e] + std[e];
                px[2 * n - 1 - e] = e + 1;
                py[2 * n - 1 - e] = mean[e] - std[e];
            }
            XYSeries band = c.addSeries(b.model() + " mean ± std", px, Plots.gaps(py));
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
            band.setLineColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 0));
            band.setMarker(SeriesMarkers.NONE);
            for (int r = 0; r < b.runs().length; r++) {
                double[] y = b.runs()[r];
                XYSeries s = c.addSeries(b.model() + " run " + (r + 1), epochs(y.length), Plots.gaps(y));
                s.setLineColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 110));
                s.setLineWidth(0.8f);
                s.setMarker(SeriesMarkers.NONE);
                s.setShowInLegend(false);
            }
            XYSeries m = c.addSeries(b.model() + " mean", epochs(n), Plots.gaps(mean));
            m.setLineColor(col);
            m.setLineWidth(2.5f);
            m.setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
    }

    private static double[] epochs(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }
}
