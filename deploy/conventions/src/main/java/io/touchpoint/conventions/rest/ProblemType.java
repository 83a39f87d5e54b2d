package io.touchpoint.conventions.rest;

import java.util.List;

/**
 * One row of docs/CONVENTIONS.md's error table: status, code and title (deploy/ops ConventionsIT compares them
 * with the table). The rows every service answers are constants here, with {@code invalid-parameter}, which both
 * query APIs answer; a service's own rows (ingest's refusals of events, metrics' {@code conflict}) are constants
 * of that service, handed to its {@link ProblemTable}.
 */
public record ProblemType(int status, String code, String title) {

    public static final String URN_PREFIX = "urn:touchpoint:problem:";

    public static final ProblemType BAD_REQUEST = new ProblemType(400, "bad-request", "Bad request");
    public static final ProblemType INVALID_PARAMETER = new ProblemType(400, "invalid-parameter", "Invalid parameter");
    public static final ProblemType UNAUTHORIZED = new ProblemType(401, "unauthorized", "Unauthorized");
    public static final ProblemType NOT_FOUND = new ProblemType(404, "not-found", "Not found");
    public static final ProblemType METHOD_NOT_ALLOWED = new ProblemType(405, "method-not-allowed", "Method not allowed");
    public static final ProblemType NOT_ACCEPTABLE = new ProblemType(406, "not-acceptable", "Not acceptable");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = new ProblemType(415, "unsupported-media-type",
            "Unsupported media type");
    public static final ProblemType INTERNAL = new ProblemType(500, "internal", "Internal error");
    public static final ProblemType UNAVAILABLE = new ProblemType(503, "unavailable", "Service unavailable");

    /** What every service can answer, whatever its endpoints: the framework's refusals, a bug, an outage. */
    public static final List<ProblemType> COMMON = List.of(BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, METHOD_NOT_ALLOWED,
            NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, INTERNAL, UNAVAILABLE);

    public ProblemType {
        if (status < 400 || status > 599 || !code.matches("[a-z]+(-[a-z]+)*") || title.isBlank()) {
            throw new IllegalArgumentException("not a row of the error table: " + status + " " + code + " " + title);
        }
    }

    /** The stable {@code type} member, {@code urn:touchpoint:problem:<code>}. */
    public String type() {
        return URN_PREFIX + code;
    }
}
