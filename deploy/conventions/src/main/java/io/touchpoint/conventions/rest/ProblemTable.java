package io.touchpoint.conventions.rest;

import static io.touchpoint.conventions.rest.ProblemType.BAD_REQUEST;
import static io.touchpoint.conventions.rest.ProblemType.COMMON;
import static io.touchpoint.conventions.rest.ProblemType.INTERNAL;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;

/**
 * One service's table from failure to problem type: the {@linkplain ProblemType#COMMON common types} and the
 * service's own. Everything that answers with an error goes through {@link #of(Throwable)} or
 * {@link #ofStatus(int)}, so a status never gets two different bodies. A service's first decision (ingest: a
 * refused event by its reason; journey: an outage anywhere in the causes) comes first; then the exception classes,
 * the service's and JAX-RS's own, closest superclass winning; any other answer Quarkus decides maps by its status;
 * anything else is an internal error.
 */
public final class ProblemTable {

    private static final Map<Class<? extends Throwable>, ProblemType> FRAMEWORK = Map.of(
            UnauthorizedException.class, ProblemType.UNAUTHORIZED,
            NotAuthorizedException.class, ProblemType.UNAUTHORIZED,
            NotFoundException.class, ProblemType.NOT_FOUND,
            NotAllowedException.class, ProblemType.METHOD_NOT_ALLOWED,
            NotAcceptableException.class, ProblemType.NOT_ACCEPTABLE,
            NotSupportedException.class, ProblemType.UNSUPPORTED_MEDIA_TYPE);

    private final List<ProblemType> own;
    private final List<ProblemType> types;
    private final Map<Class<? extends Throwable>, ProblemType> byClass;
    private final Function<Throwable, ProblemType> first;

    private ProblemTable(List<ProblemType> own, Map<Class<? extends Throwable>, ProblemType> byException,
            Function<Throwable, ProblemType> first) {
        this.own = List.copyOf(own);
        this.types = Stream.concat(COMMON.stream(), own.stream())
                .sorted(Comparator.comparingInt(ProblemType::status)).toList();
        for (ProblemType type : own) {
            if (COMMON.contains(type)) {
                throw new IllegalArgumentException(type.code() + " is a common type, not a service's own");
            }
        }
        Map<Class<? extends Throwable>, ProblemType> classes = new HashMap<>(FRAMEWORK);
        classes.putAll(byException);
        classes.values().forEach(this::requireAnswered);
        this.byClass = Map.copyOf(classes);
        this.first = first;
    }

    /**
     * @param own the types this service answers beside the common ones (its rows of CONVENTIONS.md's table)
     * @param byException this service's exceptions and the type each answers with
     */
    public static ProblemTable of(List<ProblemType> own, Map<Class<? extends Throwable>, ProblemType> byException) {
        return new ProblemTable(own, byException, failure -> null);
    }

    /** The same table, asking {@code decision} first; where it answers null, the classes decide. */
    public ProblemTable decidingFirst(Function<Throwable, ProblemType> decision) {
        return new ProblemTable(own, byClass, decision);
    }

    /** Every type this service answers, by status: what its OpenAPI document publishes. */
    public List<ProblemType> types() {
        return types;
    }

    public ProblemType of(Throwable failure) {
        ProblemType decided = first.apply(failure);
        if (decided != null) {
            return requireAnswered(decided);
        }
        for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            ProblemType type = byClass.get(c);
            if (type != null) {
                return type;
            }
        }
        if (failure instanceof WebApplicationException web) {
            return ofStatus(web.getResponse().getStatus());
        }
        return INTERNAL;
    }

    /**
     * An answer known only by its status (decided by the framework, or below the REST layer by Vert.x): the common
     * type of that status, else the service's own type of it, else bad-request (4xx) or internal. A type that
     * shares its status with a common one (invalid-json, invalid-parameter, ...) never comes from a bare status.
     */
    public ProblemType ofStatus(int status) {
        for (List<ProblemType> candidates : List.of(COMMON, own)) {
            for (ProblemType type : candidates) {
                if (type.status() == status) {
                    return type;
                }
            }
        }
        return status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL;
    }

    private ProblemType requireAnswered(ProblemType type) {
        if (!types.contains(type)) {
            throw new IllegalArgumentException(type.code() + " is not a type this service answers: " + types);
        }
        return type;
    }
}
