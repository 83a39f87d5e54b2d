package io.touchpoint.metrics.rest;

import java.util.Map;

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
 * The one table from failure to problem type. Our exceptions and JAX-RS's own map by class (closest superclass
 * wins); any other answer Quarkus decides maps by its status. Anything else is an internal error.
 */
final class ProblemTable {

    private static final Map<Class<? extends Throwable>, ProblemType> BY_EXCEPTION = Map.ofEntries(
            Map.entry(UnauthorizedException.class, ProblemType.UNAUTHORIZED),
            Map.entry(NotAuthorizedException.class, ProblemType.UNAUTHORIZED),
            Map.entry(InvalidParameterException.class, ProblemType.INVALID_PARAMETER),
            Map.entry(UnknownFunnelException.class, ProblemType.NOT_FOUND),
            Map.entry(NotFoundException.class, ProblemType.NOT_FOUND),
            Map.entry(NotAllowedException.class, ProblemType.METHOD_NOT_ALLOWED),
            Map.entry(NotAcceptableException.class, ProblemType.NOT_ACCEPTABLE),
            Map.entry(NotSupportedException.class, ProblemType.UNSUPPORTED_MEDIA_TYPE),
            Map.entry(RebuildConflictException.class, ProblemType.CONFLICT),
            Map.entry(RebuildUnavailableException.class, ProblemType.UNAVAILABLE),
            Map.entry(CounterStoreUnavailableException.class, ProblemType.UNAVAILABLE));

    private ProblemTable() {
    }

    static ProblemType of(Throwable failure) {
        for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            ProblemType type = BY_EXCEPTION.get(c);
            if (type != null) {
                return type;
            }
        }
        if (failure instanceof WebApplicationException web) {
            return ofStatus(web.getResponse().getStatus());
        }
        return ProblemType.INTERNAL;
    }

    /** An answer known only by its status: the type of that status, else bad-request (4xx) or internal. */
    static ProblemType ofStatus(int status) {
        for (ProblemType type : ProblemType.values()) {
            if (type.status() == status && type != ProblemType.INVALID_PARAMETER) {
                return type;
            }
        }
        return status >= 400 && status < 500 ? ProblemType.BAD_REQUEST : ProblemType.INTERNAL;
    }
}
