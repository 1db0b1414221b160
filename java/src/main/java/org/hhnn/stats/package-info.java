/**
 * The statistics of the experiments (the modulation paper's Table 4): {@link org.hhnn.stats.Stats}
 * (mean, sample standard deviation, Hedges' g, Welch's unequal-variance t-test),
 * {@link org.hhnn.stats.StudentT} (the Student t distribution through the regularized incomplete
 * beta function, for the t-test's p-value), {@link org.hhnn.stats.Bootstrap} (seeded percentile
 * confidence intervals) and {@link org.hhnn.stats.KFold} (seeded k-fold cross-validation indices).
 * Written here rather than taken from a library so the engine has no statistics dependency; the
 * tests check them against commons-math3 and hand-computed values.
 */
package org.hhnn.stats;
