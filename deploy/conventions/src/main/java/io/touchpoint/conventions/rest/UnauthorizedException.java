package io.touchpoint.conventions.rest;

/** A missing or wrong API token ({@link ApiTokenFilter}). The message never echoes what the client sent. */
public class UnauthorizedException extends RuntimeException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
