package io.touchpoint.ingest.service;

/** A source sent more requests than its rate limit allows; the client should retry after the given seconds. */
public class RateLimitedException extends RuntimeException {

    private final int retryAfterSeconds;

    public RateLimitedException(String sourceId, int retryAfterSeconds) {
        super("source '" + sourceId + "' is over its rate limit", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
