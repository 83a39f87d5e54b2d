package io.touchpoint.journey.rest;

import static io.touchpoint.conventions.rest.ProblemType.INVALID_PARAMETER;
import static io.touchpoint.conventions.rest.ProblemType.UNAVAILABLE;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.touchpoint.conventions.rest.FailedRequest;
import io.touchpoint.conventions.rest.ProblemTable;
import io.touchpoint.conventions.rest.ProblemType;
import io.touchpoint.conventions.rest.ServiceProblems;
import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.service.CustomerNotFoundException;
import io.touchpoint.journey.service.InvalidParameterException;

/**
 * What journey adds to the common problem rules (io.touchpoint.conventions.rest.ProblemMapper writes every answer):
 * malformed query parameters, unknown customers, and PostgreSQL outages, found anywhere in a failure's causes and
 * answered 503 with {@code Retry-After}.
 */
@ApplicationScoped
public class JourneyProblems implements ServiceProblems {

    /** Seconds a client should wait before retrying after a 503 (PostgreSQL unreachable). */
    static final long RETRY_AFTER_SECONDS = 5;

    static final ProblemTable TABLE = ProblemTable.of(List.of(INVALID_PARAMETER), Map.of(
            InvalidParameterException.class, INVALID_PARAMETER,
            CustomerNotFoundException.class, ProblemType.NOT_FOUND))
            .decidingFirst(failure -> DatabaseOutage.isOutage(failure) ? UNAVAILABLE : null);

    @Override
    public ProblemTable table() {
        return TABLE;
    }

    @Override
    public OptionalLong retryAfterSeconds(ProblemType type, Throwable failure) {
        return type.equals(UNAVAILABLE) ? OptionalLong.of(RETRY_AFTER_SECONDS) : OptionalLong.empty();
    }

    @Override
    public Optional<String> detail(ProblemType type, Throwable failure, FailedRequest request) {
        return type.equals(UNAVAILABLE) ? Optional.of("PostgreSQL is unreachable; retry later") : Optional.empty();
    }
}
