package org.hhnn.reproduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hhnn.train.TrainConfig;

/**
 * One table of a paper as an experiment: its arms and how many runs each gets at the paper's full protocol (scale 1),
 * the columns of the table, which arm is tested against which, the per-epoch figures, the published figures, and the
 * scale it runs at by default ({@link #defaultScale}: chosen so it finishes in about an hour or less on a 2-core CPU
 * machine where that is possible; see the README for what was measured).
 *
 * @param title     the heading of the report
 * @param claim     what the paper claims, in one or two sentences with the section
 * @param notes     protocol lines the report prints (choices and deviations, each with its reason)
 * @param metric    the column the statistics are computed on (a {@link Column#key})
 * @param pairs     {treatment key, control key}: Hedges' g, Welch's t and p of each, positive = treatment better
 * @param reduced   model settings ({@code --set}) every arm takes below scale 1, where the paper's size cannot run on a
 *                  CPU in useful time (the small AWD-LSTM); empty for most presets
 */
public record Preset(String name, String title, String claim, List<String> notes, List<Arm> arms, int runs,
                     List<Column> columns, String metric, boolean lowerIsBetter, List<String[]> pairs, List<Curve> curves,
                     List<Published> published, double defaultScale, Map<String, String> reduced) {

    /**
     * A column of the table: its key, heading, and the figure of a run's metrics it reads (a number, or the last
     * entry of a per-epoch array).
     */
    public record Column(String key, String heading, String metricsKey) {}

    /** An overlaid per-epoch figure: one line per arm (the mean over its runs) of a per-epoch metrics array. */
    public record Curve(String file, String title, String metricsKey, String yLabel, List<String> arms) {}

    /** Runs per arm at this scale: the full count times scale, at least 2 (for a standard deviation) unless the full count is 1. */
    public int runs(double scale) {
        return Math.max(Math.min(2, runs), (int) Math.round(runs * scale));
    }

    /** The arms' settings at this scale: epochs times scale, at least 1; everything else as at the full protocol. */
    public List<Arm> scaled(double scale) {
        List<Arm> out = new ArrayList<>();
        for (Arm a : arms) {
            TrainConfig c = a.config().copy();
            c.epochs = Math.max(1, (int) Math.round(a.config().epochs * scale));
            if (scale < 1) c.settings.putAll(reduced);
            out.add(new Arm(a.key(), a.label(), c));
        }
        return out;
    }

    /** The arm with this key. */
    public Arm arm(String key) {
        for (Arm a : arms) if (a.key().equals(key)) return a;
        throw new IllegalArgumentException("preset " + name + " has no arm '" + key + "'");
    }
}
