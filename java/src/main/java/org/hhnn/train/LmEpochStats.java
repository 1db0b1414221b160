package org.hhnn.train;

/**
 * What one language-model epoch measured: the mean next-token loss (nats) on train (with dropout, as trained) and
 * validation, their perplexities exp(loss), whether averaged SGD was on, time and throughput.
 */
public record LmEpochStats(int epoch, double trainLoss, double valLoss, boolean asgd, double seconds, double tokensPerSec) {
    public double trainPpl() { return Math.exp(trainLoss); }
    public double valPpl() { return Math.exp(valLoss); }
}
