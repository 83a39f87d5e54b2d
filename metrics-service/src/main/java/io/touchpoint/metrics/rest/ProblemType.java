package io.touchpoint.metrics.rest;

import java.util.Arrays;

/** The problem types of this service's API: stable {@code urn:touchpoint:problem:<code>} URIs with a status. */
public enum ProblemType {
    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter"),
    UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    CONFLICT(409, "conflict", "Conflict"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    INTERNAL(500, "internal", "Internal error"),
    UNAVAILABLE(503, "unavailable", "Service unavailable");

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

    public String title() {
        return title;
    }

    public String uri() {
        return "urn:touchpoint:problem:" + code;
    }

    /** The type for a status Quarkus chose itself; 4xx without a type of their own read as bad parameters. */
    public static ProblemType forStatus(int status) {
        return Arrays.stream(values()).filter(t -> t.status == status).findFirst()
                .orElse(status >= 400 && status < 500 ? INVALID_PARAMETER : INTERNAL);
    }
}
