package io.touchpoint.journey.rest;

/** Missing or wrong API token. */
public class UnauthorizedException extends RuntimeException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
