package org.hhnn.train;

/**
 * What one epoch measured. trainAccuracy comes from the epoch's own training forward passes (dropout on, weights
 * moving), so it costs no extra pass; NaN where unknown (a checkpoint from before it was recorded).
 */
public record EpochStats(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds, double samplesPerSec,
                         double trainAccuracy) {}
