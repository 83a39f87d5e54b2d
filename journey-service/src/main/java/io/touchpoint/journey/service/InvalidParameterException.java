package io.touchpoint.journey.service;

/** A query parameter or path segment the API cannot use. */
public class InvalidParameterException extends RuntimeException {

    public InvalidParameterException(String message) {
        super(message);
    }
}
