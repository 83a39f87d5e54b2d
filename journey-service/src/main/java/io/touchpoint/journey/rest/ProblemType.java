package io.touchpoint.journey.rest;

/**
 * The problem types this service answers with: code, status and title as docs/CONVENTIONS.md's error table
 * states them (deploy/ops ConventionsIT compares the two and the live answers).
 */
public enum ProblemType {
    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter"),
    BAD_REQUEST(400, "bad-request", "Bad request"),
    UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    INTERNAL(500, "internal", "Internal error"),
    UNAVAILABLE(503, "unavailable", "Service unavailable");

    public static final String URN_PREFIX = "urn:touchpoint:problem:";

    private final int status;
    private final String code;
    private final String title;

    ProblemType(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The stable {@code type} member, {@code urn:touchpoint:problem:<code>}. */
    public String type() {
        return URN_PREFIX + code;
    }

    public String title() {
        return title;
    }
}
