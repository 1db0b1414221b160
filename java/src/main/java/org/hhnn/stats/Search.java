package org.hhnn.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The settings a hyperparameter search tries (the HHNN paper's §4.2: grid search, and random search for a broader
 * space): every combination of {@code KEY=a,b,c} values, or N draws from {@code KEY=lo:hi} ranges. A rate (see
 * {@link #isRate}) is drawn log-uniformly, since its useful values span decades; other keys uniformly, whole numbers
 * when both ends are whole. Which setting wins is the comparison's business, decided on validation figures only.
 */
public final class Search {
    private final List<Map<String, String>> settings;
    private final String describe;

    private Search(List<Map<String, String>> settings, String describe) {
        this.settings = List.copyOf(settings);
        this.describe = describe;
    }

    /** The settings to try, in order, each a map of keys to values as a model spec writes them. */
    public List<Map<String, String>> settings() { return settings; }

    /** How the settings were made, for the report: "grid lr=0.01,0.1" or "random 4 draws of lr=1e-4:1e-1 (log-uniform)". */
    public String describe() { return describe; }

    /** Keys drawn log-uniformly by {@link #random}: the learning rate, the decays, and any key ending in _rate or _lr. */
    public static boolean isRate(String key) {
        return key.equals("lr") || key.equals("weight_decay") || key.equals("lr_decay") || key.endsWith("_rate") || key.endsWith("_lr");
    }

    /** Every combination of the values of {@code KEY=a,b,c} specs (the first key varies slowest). */
    public static Search grid(List<String> specs) {
        if (specs == null || specs.isEmpty()) throw new IllegalArgumentException("--grid names no KEY=a,b,c");
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String key = eq < 0 ? "" : spec.substring(0, eq).trim();
            if (key.isEmpty()) throw new IllegalArgumentException("--grid '" + spec + "': write KEY=a,b,c");
            List<String> values = new ArrayList<>();
            for (String v : spec.substring(eq + 1).split(",")) if (!v.isBlank()) values.add(v.trim());
            if (values.isEmpty()) throw new IllegalArgumentException("--grid '" + spec + "' lists no value for " + key + " (an empty grid; write " + key + "=a,b,c)");
            if (values.size() != values.stream().distinct().count()) throw new IllegalArgumentException("--grid '" + spec + "' lists a value twice");
            if (axes.put(key, values) != null) throw new IllegalArgumentException("--grid gives " + key + " twice; list all its values in one KEY=a,b,c");
        }
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out)
                for (String v : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            out = next;
        }
        return new Search(out, "grid " + String.join(" ", specs));
    }

    /** n draws of every {@code KEY=lo:hi} range, seeded; see the class comment for how each key is drawn. */
    public static Search random(int n, List<String> ranges, long seed) {
        if (n < 1) throw new IllegalArgumentException("--random needs at least 1 draw, got " + n);
        if (ranges == null || ranges.isEmpty()) throw new IllegalArgumentException("--random " + n + " names no KEY=lo:hi range");
        record Range(String key, double lo, double hi, boolean whole, boolean log) {}
        List<Range> rs = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String spec : ranges) {
            int eq = spec.indexOf('='), colon = spec.indexOf(':', Math.max(eq, 0));
            String key = eq < 0 ? "" : spec.substring(0, eq).trim();
            if (key.isEmpty() || colon < 0) throw new IllegalArgumentException("--random '" + spec + "': write KEY=lo:hi, e.g. lr=1e-4:1e-1");
            String loText = spec.substring(eq + 1, colon).trim(), hiText = spec.substring(colon + 1).trim();
            double lo, hi;
            try {
                lo = Double.parseDouble(loText);
                hi = Double.parseDouble(hiText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--random '" + spec + "': " + key + "'s range needs two numbers lo:hi");
            }
            if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi))
                throw new IllegalArgumentException("--random '" + spec + "': " + key + "'s range " + loText + ":" + hiText + " is empty or backwards (need lo < hi)");
            boolean log = isRate(key);
            if (log && lo <= 0)
                throw new IllegalArgumentException("--random '" + spec + "': " + key + " is a rate, drawn log-uniformly, so its range must be above 0");
            if (rs.stream().anyMatch(r -> r.key().equals(key))) throw new IllegalArgumentException("--random gives " + key + " twice");
            boolean whole = !log && isWhole(loText) && isWhole(hiText);
            rs.add(new Range(key, lo, hi, whole, log));
            described.add(spec + (log ? " (log-uniform)" : whole ? " (whole numbers)" : " (uniform)"));
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Range r : rs) {
                String v;
                if (r.whole()) v = Long.toString(rng.nextLong((long) r.lo(), (long) r.hi() + 1));
                else if (r.log()) v = fmt(Math.exp(Math.log(r.lo()) + rng.nextDouble() * (Math.log(r.hi()) - Math.log(r.lo()))));
                else v = fmt(r.lo() + rng.nextDouble() * (r.hi() - r.lo()));
                m.put(r.key(), v);
            }
            if (!out.contains(m)) out.add(m);   // a whole-number range may draw the same setting twice: try it once
        }
        return new Search(out, "random " + n + " draws of " + String.join(" ", described) + ", seed " + seed);
    }

    private static boolean isWhole(String s) {
        return s.matches("[+-]?\\d+");
    }

    /** Three significant digits: short folder names, and finer than a search can tell apart. */
    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }
}
