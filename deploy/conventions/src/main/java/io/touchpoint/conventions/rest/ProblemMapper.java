package io.touchpoint.conventions.rest;

import static io.touchpoint.conventions.rest.ProblemType.INTERNAL;
import static io.touchpoint.conventions.rest.ProblemType.METHOD_NOT_ALLOWED;
import static io.touchpoint.conventions.rest.ProblemType.NOT_ACCEPTABLE;
import static io.touchpoint.conventions.rest.ProblemType.NOT_FOUND;
import static io.touchpoint.conventions.rest.ProblemType.UNAUTHORIZED;
import static io.touchpoint.conventions.rest.ProblemType.UNSUPPORTED_MEDIA_TYPE;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerRequest;

/**
 * The one place that turns a failure into an {@code application/problem+json} answer, in every service: the
 * exception mapper of the REST layer (the token filter's refusals and Quarkus's own 404/405/406/415 included), and
 * the writer ingest's HTTP layer uses below it. The service's {@link ServiceProblems} decides the type and adds its
 * challenge, back-off and details; the rules of docs/CONVENTIONS.md are kept here: a 500 gets a fresh correlation
 * id, logged at ERROR with the exception and returned as {@code correlationId} and {@code X-Correlation-Id}, and a
 * detail that says nothing internal; a 405 carries {@code Allow}; a 401 its challenge.
 */
@Singleton
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceProblems service;

    @Inject
    public ProblemMapper(ServiceProblems service) {
        this.service = service;
    }

    @ServerExceptionMapper(Throwable.class)
    public Response toResponse(Throwable failure, HttpServerRequest request) {
        return toResponse(failure, FailedRequest.of(request));
    }

    public Response toResponse(Throwable failure, FailedRequest request) {
        ProblemType type = service.table().of(failure);
        Problem problem = problem(type, failure, request);
        Response.ResponseBuilder answer = Response.status(type.status()).type(Problem.MEDIA_TYPE).entity(problem);
        headers(type, failure, problem).forEach(answer::header);
        return answer.build();
    }

    /** The body for a failure of this type; a 500 is logged here with a fresh correlation id. */
    public Problem problem(ProblemType type, Throwable failure, FailedRequest request) {
        if (type.equals(INTERNAL)) {
            return internal(failure, request);
        }
        if (type.status() >= 500 && service.logsOutages()) {
            LOG.warnf("%s %s answered %d %s: %s", request.method(), request.path(), type.status(), type.code(),
                    failure);
        }
        return problem(type, detail(type, failure, request), request.path());
    }

    /** The body for a problem whose detail is known. */
    public Problem problem(ProblemType type, String detail, String instance) {
        return new Problem(type.type(), type.title(), type.status(), detail, instance, null);
    }

    /**
     * A 500: a fresh correlation id, logged with the failure and returned in the body (and, by {@link #headers}, in
     * {@code X-Correlation-Id}); the detail says nothing internal.
     */
    public Problem internal(Throwable failure, FailedRequest request) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(failure, "internal error, correlationId=%s: %s %s", id, request.method(), request.path());
        return new Problem(INTERNAL.type(), INTERNAL.title(), INTERNAL.status(),
                "an unexpected error occurred; quote correlation id " + id, request.path(), id);
    }

    /**
     * Headers that belong to an answer: the challenge of a 401, the back-off the service gives, the {@code Allow}
     * of a 405, the correlation id of a 500.
     */
    public Map<String, String> headers(ProblemType type, Throwable failure, Problem problem) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (type.status() == 401) {
            headers.put(HttpHeaders.WWW_AUTHENTICATE, service.challenge(type));
        }
        service.retryAfterSeconds(type, failure)
                .ifPresent(seconds -> headers.put(HttpHeaders.RETRY_AFTER, String.valueOf(seconds)));
        if (type.equals(METHOD_NOT_ALLOWED) && problem != null && problem.instance() != null) {
            headers.put(HttpHeaders.ALLOW, AllowedMethods.at(problem.instance()));
        }
        if (problem != null && problem.correlationId() != null) {
            headers.put(Problem.CORRELATION_HEADER, problem.correlationId());
        }
        return headers;
    }

    /**
     * What to change: the service's wording where it has one; else our exceptions say it themselves, and Quarkus's
     * own answers get a sentence here.
     */
    public String detail(ProblemType type, Throwable failure, FailedRequest request) {
        return service.detail(type, failure, request).orElseGet(() -> {
            if (!(failure instanceof WebApplicationException web)) {
                return failure.getMessage();
            }
            if (type.equals(NOT_FOUND)) {
                return "no resource at this path";
            }
            if (type.equals(METHOD_NOT_ALLOWED)) {
                return request.method() + " is not allowed on " + request.path() + "; use "
                        + AllowedMethods.at(request.path());
            }
            if (type.equals(NOT_ACCEPTABLE)) {
                return "this resource answers application/json";
            }
            if (type.equals(UNSUPPORTED_MEDIA_TYPE)) {
                return "unsupported request content type";
            }
            return type.equals(UNAUTHORIZED) ? "authentication required" : web.getMessage();
        });
    }

    /** The same body as JSON text, for writers below the REST layer. */
    public String json(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Problem is always writable", e);
        }
    }
}
