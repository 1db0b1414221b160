package org.hhnn.train;

/** What one epoch measured. */
public record EpochStats(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds, double samplesPerSec) {}
