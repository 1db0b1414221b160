package org.hhnn.optim;

import java.util.Arrays;

/** Learning-rate multiplier as a function of training progress in [0, 1]. */
public interface LrSchedule {
    double factor(double progress);

    static LrSchedule constant() { return p -> 1.0; }

    /** ×gamma at each of the given fractions of training (e.g. 0.5, 0.8 with gamma 0.1). */
    static LrSchedule steps(double gamma, double... fractions) {
        double[] f = fractions.clone();
        Arrays.sort(f);
        for (double x : f)
            if (!(x > 0 && x < 1)) throw new IllegalArgumentException("step-schedule fractions must lie in (0, 1), got " + x);
        return p -> {
            double s = 1;
            for (double x : f) if (p >= x) s *= gamma;
            return s;
        };
    }
}
