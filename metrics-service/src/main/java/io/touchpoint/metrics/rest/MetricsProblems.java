package io.touchpoint.metrics.rest;

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
import io.touchpoint.metrics.repository.CounterStoreUnavailableException;
import io.touchpoint.metrics.service.RebuildConflictException;
import io.touchpoint.metrics.service.RebuildUnavailableException;
import io.touchpoint.metrics.service.UnknownFunnelException;

/**
 * What metrics adds to the common problem rules (io.touchpoint.conventions.rest.ProblemMapper writes every answer):
 * malformed parameters, unknown funnels, a second rebuild ({@code conflict}), and the two 503s: Redis not
 * answering (a retry helps: {@code Retry-After}) and a rebuild without journey's export API configured (it does not).
 */
@ApplicationScoped
public class MetricsProblems implements ServiceProblems {

    public static final ProblemType CONFLICT = new ProblemType(409, "conflict", "Conflict");
    /** Seconds a client should wait before retrying after a 503 because Redis did not answer. */
    static final long RETRY_AFTER_SECONDS = 5;

    static final ProblemTable TABLE = ProblemTable.of(List.of(INVALID_PARAMETER, CONFLICT), Map.of(
            InvalidParameterException.class, INVALID_PARAMETER,
            UnknownFunnelException.class, ProblemType.NOT_FOUND,
            RebuildConflictException.class, CONFLICT,
            RebuildUnavailableException.class, UNAVAILABLE,
            CounterStoreUnavailableException.class, UNAVAILABLE));

    @Override
    public ProblemTable table() {
        return TABLE;
    }

    @Override
    public OptionalLong retryAfterSeconds(ProblemType type, Throwable failure) {
        return failure instanceof CounterStoreUnavailableException ? OptionalLong.of(RETRY_AFTER_SECONDS)
                : OptionalLong.empty();
    }

    @Override
    public Optional<String> detail(ProblemType type, Throwable failure, FailedRequest request) {
        return failure instanceof CounterStoreUnavailableException
                ? Optional.of("the counter store (Redis) is not reachable; retry later") : Optional.empty();
    }
}
