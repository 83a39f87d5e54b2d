package io.touchpoint.journey.rest;

import java.util.Map;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;

import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.service.CustomerNotFoundException;
import io.touchpoint.journey.service.InvalidParameterException;

/**
 * The one table from failure to problem type. Our exceptions and JAX-RS's own map by class (closest superclass
 * wins); any other answer Quarkus decides maps by its status. Anything else is an internal error.
 */
final class ProblemTable {

    private static final Map<Class<? extends Throwable>, ProblemType> BY_EXCEPTION = Map.of(
            UnauthorizedException.class, ProblemType.UNAUTHORIZED,
            InvalidParameterException.class, ProblemType.INVALID_PARAMETER,
            CustomerNotFoundException.class, ProblemType.NOT_FOUND,
            NotFoundException.class, ProblemType.NOT_FOUND,
            NotAllowedException.class, ProblemType.METHOD_NOT_ALLOWED,
            NotAcceptableException.class, ProblemType.NOT_ACCEPTABLE,
            NotSupportedException.class, ProblemType.UNSUPPORTED_MEDIA_TYPE);

    private ProblemTable() {
    }

    static ProblemType of(Throwable failure) {
        if (DatabaseOutage.isOutage(failure)) {
            return ProblemType.UNAVAILABLE;
        }
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
