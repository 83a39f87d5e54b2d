package io.touchpoint.metrics.rest;

/** No or a wrong API token. The detail never echoes what the client sent. */
public class UnauthorizedException extends RuntimeException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
