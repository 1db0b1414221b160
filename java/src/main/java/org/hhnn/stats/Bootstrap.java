package org.hhnn.stats;

import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence interval of a sample's mean: resample the values with
 * replacement {@code resamples} times, take each resample's mean, and report the (1 − level)/2 and
 * (1 + level)/2 quantiles of those means ({@link Stats#quantile}, type 7). The resampling is driven
 * by {@code new SplittableRandom(seed)}, so a seed fixes the interval on any JVM.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** The sample's mean and its interval at the given level (e.g. 0.95). */
    public record Interval(double mean, double lower, double upper, double level, int resamples) {}

    public static Interval meanCi(double[] sample, int resamples, double level, long seed) {
        if (sample == null || sample.length < 1) {
            throw new IllegalArgumentException("bootstrap needs at least one value");
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap needs at least 1 resample, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int n = sample.length;
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += sample[rng.nextInt(n)];
            }
            means[r] = s / n;
        }
        return new Interval(Stats.mean(sample), Stats.quantile(means, (1 - level) / 2),
                Stats.quantile(means, (1 + level) / 2), level, resamples);
    }
}
