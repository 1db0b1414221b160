package org.hhnn.backend;

/** Thrown when a backend that was asked for cannot run here; the message is one sentence. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) { super(message); }
    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }
}
