package io.touchpoint.metrics.rest;

import java.util.List;
import java.util.function.Function;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;

import io.touchpoint.metrics.repository.CounterStoreUnavailableException;
import io.touchpoint.metrics.service.RebuildConflictException;
import io.touchpoint.metrics.service.RebuildUnavailableException;
import io.touchpoint.metrics.service.UnknownFunnelException;

/**
 * The one table from exception to problem type and detail. The first entry whose class matches wins, so
 * specific entries come before general ones. Anything not listed is an internal error whose detail is not
 * shown to the client.
 */
final class ProblemTable {

    record Resolved(ProblemType type, String detail) {
    }

    private record Entry<T extends Throwable>(Class<T> type, Function<T, Resolved> resolve) {
        Resolved apply(Throwable t) {
            return resolve.apply(type.cast(t));
        }
    }

    private static final List<Entry<?>> TABLE = List.of(
            entry(UnauthorizedException.class, e -> of(ProblemType.UNAUTHORIZED, e.getMessage())),
            entry(InvalidParameterException.class, e -> of(ProblemType.INVALID_PARAMETER, e.getMessage())),
            entry(UnknownFunnelException.class, e -> of(ProblemType.NOT_FOUND, e.getMessage())),
            entry(RebuildConflictException.class, e -> of(ProblemType.CONFLICT, e.getMessage())),
            entry(RebuildUnavailableException.class, e -> of(ProblemType.UNAVAILABLE, e.getMessage())),
            entry(CounterStoreUnavailableException.class,
                    e -> of(ProblemType.UNAVAILABLE, "the counter store (Redis) is not reachable; retry later")),
            // Quarkus's own answers: no route, wrong method, unusable headers or parameters.
            entry(NotFoundException.class, e -> of(ProblemType.NOT_FOUND, "no resource at this path")),
            entry(NotAllowedException.class, e -> of(ProblemType.METHOD_NOT_ALLOWED,
                    "method not allowed here; allowed: " + e.getResponse().getAllowedMethods())),
            entry(NotAcceptableException.class,
                    e -> of(ProblemType.NOT_ACCEPTABLE, "this resource answers application/json")),
            entry(NotSupportedException.class,
                    e -> of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "unsupported request content type")),
            entry(NotAuthorizedException.class, e -> of(ProblemType.UNAUTHORIZED, "authentication required")),
            entry(WebApplicationException.class, e -> {
                ProblemType type = ProblemType.forStatus(e.getResponse().getStatus());
                return of(type, type == ProblemType.INTERNAL ? "unexpected error" : e.getMessage());
            }));

    private ProblemTable() {
    }

    static Resolved resolve(Throwable t) {
        for (Entry<?> entry : TABLE) {
            if (entry.type().isInstance(t)) {
                return entry.apply(t);
            }
        }
        return of(ProblemType.INTERNAL, "unexpected error");
    }

    private static <T extends Throwable> Entry<T> entry(Class<T> type, Function<T, Resolved> resolve) {
        return new Entry<>(type, resolve);
    }

    private static Resolved of(ProblemType type, String detail) {
        return new Resolved(type, detail);
    }
}
