package io.touchpoint.metrics.rest;

/** A query or path parameter with a value the API does not accept. */
public class InvalidParameterException extends RuntimeException {

    public InvalidParameterException(String message) {
        super(message);
    }
}
