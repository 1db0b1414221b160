package org.hhnn.train;

/** The loss became NaN or infinite; training stopped and the last good checkpoint is kept. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) { super(message); }
}
