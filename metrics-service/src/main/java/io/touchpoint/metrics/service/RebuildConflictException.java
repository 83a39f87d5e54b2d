package io.touchpoint.metrics.service;

/** A rebuild was asked for while one is running (here or on another instance). */
public class RebuildConflictException extends RuntimeException {

    public RebuildConflictException(String message) {
        super(message);
    }
}
