package io.touchpoint.metrics.service;

/** A rebuild cannot start: journey-service's export API is not configured. */
public class RebuildUnavailableException extends RuntimeException {

    public RebuildUnavailableException(String message) {
        super(message);
    }
}
