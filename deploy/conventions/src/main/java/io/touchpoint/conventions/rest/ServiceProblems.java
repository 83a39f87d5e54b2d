package io.touchpoint.conventions.rest;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one service adds to the common problem rules of {@link ProblemMapper}: its table (its own types and
 * exceptions), the challenge of its 401s, where a retry helps, and the details it words itself. Each service has
 * exactly one bean of this type.
 */
public interface ServiceProblems {

    ProblemTable table();

    /**
     * The {@code WWW-Authenticate} challenge of a 401 of this type (RFC 9110 asks for one on every 401): by
     * default the query APIs' {@link ApiToken#CHALLENGE}; ingest challenges for its write keys and signatures.
     */
    default String challenge(ProblemType type) {
        return ApiToken.CHALLENGE;
    }

    /** Seconds a client should wait before trying again, where a retry helps (a 429, a 503 of an outage). */
    default OptionalLong retryAfterSeconds(ProblemType type, Throwable failure) {
        return OptionalLong.empty();
    }

    /** This service's own wording of the detail; empty: {@link ProblemMapper}'s common one. */
    default Optional<String> detail(ProblemType type, Throwable failure, FailedRequest request) {
        return Optional.empty();
    }

    /**
     * Whether the mapper logs a 5xx other than a 500 at WARN. The query APIs do: the answer is where their outage
     * shows. ingest does not: it counts its answers by status and would write a line per request in an outage.
     */
    default boolean logsOutages() {
        return true;
    }
}
