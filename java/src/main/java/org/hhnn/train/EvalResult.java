package org.hhnn.train;

/** Mean loss and accuracy over a data set. */
public record EvalResult(double loss, double accuracy, int count) {}
