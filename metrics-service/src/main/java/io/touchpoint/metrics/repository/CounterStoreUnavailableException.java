package io.touchpoint.metrics.repository;

/** Redis could not be reached or answered with an error; the request may succeed later. */
public class CounterStoreUnavailableException extends RuntimeException {

    public CounterStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
