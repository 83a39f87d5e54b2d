package io.touchpoint.ingest.service;

/** No write key, or one that belongs to no source. Its message never contains the key. */
public class UnauthorizedException extends RuntimeException {

    public UnauthorizedException(String detail) {
        super(detail, null, false, false);
    }
}
