package org.hhnn.train;

/** A checkpoint or safetensors file that is missing, malformed or cannot be written; the message
 *  is one sentence naming the file and the problem. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) { super(message); }
    public CheckpointException(String message, Throwable cause) { super(message, cause); }
}
