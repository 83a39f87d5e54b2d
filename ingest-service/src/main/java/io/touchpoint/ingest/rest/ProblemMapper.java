package io.touchpoint.ingest.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.EventRejectedException;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RateLimitedException;
import io.touchpoint.ingest.service.RequestBody;
import io.touchpoint.ingest.service.UnknownSourceException;
import io.touchpoint.ingest.service.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one place that turns a failure into an {@code application/problem+json} answer, for the REST
 * resources (as their exception mapper) and for the HTTP layer below them ({@link HttpFailureRoutes}).
 */
@ApplicationScoped
public class ProblemMapper {

    public static final String BASIC_CHALLENGE = "Basic realm=\"touchpoint\"";
    /** Webhooks authenticate by signature, not by a Basic user: the challenge says so. */
    public static final String SIGNATURE_CHALLENGE = "Signature realm=\"touchpoint\"";

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    @ServerExceptionMapper(Throwable.class)
    public Response toResponse(Throwable failure, HttpServerRequest request) {
        ProblemType type = ProblemTable.of(failure);
        Problem problem = problem(type, failure, request);
        Response.ResponseBuilder response = Response.status(type.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem);
        headers(type, failure, problem).forEach(response::header);
        return response.build();
    }

    /** The body for a failure of this type; a 500 is logged here with a fresh correlation id. */
    public Problem problem(ProblemType type, Throwable failure, HttpServerRequest request) {
        return type == ProblemType.INTERNAL ? internal(failure, request)
                : problem(type, detail(type, failure, request), request.path());
    }

    /** The body for a problem; used by every error path. */
    public Problem problem(ProblemType type, String detail, String instance) {
        return new Problem(type.type(), type.title(), type.status(), detail, instance, null);
    }

    /**
     * A 500: a fresh correlation id, logged with the failure and returned in the body (and, by
     * {@link #headers}, in {@code X-Correlation-Id}); the detail says nothing internal.
     */
    public Problem internal(Throwable failure, HttpServerRequest request) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(failure, "internal error, correlationId=%s: %s %s", id, request.method(), request.path());
        ProblemType type = ProblemType.INTERNAL;
        return new Problem(type.type(), type.title(), type.status(),
                "an unexpected error occurred; quote correlation id " + id, request.path(), id);
    }

    /** The same body as JSON text, for writers below the REST layer. */
    public String json(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Problem is always writable", e);
        }
    }

    /**
     * Headers that belong to an answer: the challenge of a 401, the {@code Allow} of a 405, the back-off of a
     * 429 (when the bucket has a token again) or 503, the correlation id of a 500.
     */
    public Map<String, String> headers(ProblemType type, Throwable failure, Problem problem) {
        Map<String, String> headers = new LinkedHashMap<>();
        switch (type) {
            case UNAUTHORIZED -> headers.put(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE);
            case INVALID_SIGNATURE -> headers.put(HttpHeaders.WWW_AUTHENTICATE, SIGNATURE_CHALLENGE);
            case RATE_LIMITED -> headers.put(HttpHeaders.RETRY_AFTER, String.valueOf(
                    failure instanceof RateLimitedException limited ? limited.retryAfterSeconds() : 1));
            case UNAVAILABLE -> headers.put(HttpHeaders.RETRY_AFTER, String.valueOf(config.retryAfterSeconds()));
            default -> {
            }
        }
        if (type == ProblemType.METHOD_NOT_ALLOWED && problem != null && problem.instance() != null) {
            headers.put(HttpHeaders.ALLOW, AllowedMethods.at(problem.instance()));
        }
        if (problem != null && problem.correlationId() != null) {
            headers.put(Problem.CORRELATION_HEADER, problem.correlationId());
        }
        return headers;
    }

    /** A human detail; never a stack trace, never a write key. */
    public String detail(ProblemType type, Throwable failure, HttpServerRequest request) {
        if (failure instanceof EventRejectedException rejected) {
            return rejected.detail();
        }
        if (failure instanceof UnauthorizedException || failure instanceof PublishUnavailableException
                || failure instanceof RateLimitedException || failure instanceof UnknownSourceException) {
            return failure.getMessage() + (type == ProblemType.UNAVAILABLE ? "; retry later" : "");
        }
        return detail(type, request, failure instanceof WebApplicationException ? failure.getMessage() : null);
    }

    /** Details for answers known only by type (404, 405, 413, 415 decided by the framework): each says what to change. */
    public String detail(ProblemType type, HttpServerRequest request, String fallback) {
        return switch (type) {
            case NOT_FOUND -> "there is nothing at " + request.path() + "; the tracking API is " + TrackingPaths.SUMMARY;
            case METHOD_NOT_ALLOWED -> request.method() + " is not allowed on " + request.path()
                    + (request.path().startsWith("/v1/projects/") || request.path().startsWith("/sourceConfig")
                            ? "; use GET" : "; use POST");
            case UNSUPPORTED_MEDIA_TYPE -> "Content-Type '" + request.getHeader(HttpHeaders.CONTENT_TYPE)
                    + "' is not accepted; send " + RequestBody.ACCEPTED_TYPES;
            case NOT_ACCEPTABLE -> "this endpoint answers application/json only; accept application/json or */*";
            case TOO_LARGE -> "the request body is larger than this server accepts"
                    + maxBodySize.map(limit -> " (" + limit.asLongValue() + " bytes)").orElse("") + "; send smaller batches";
            case BAD_REQUEST -> "the request could not be read as HTTP"
                    + (fallback != null && !fallback.startsWith("HTTP ") ? " (" + fallback + ")" : "")
                    + "; send a well-formed request with a JSON body";
            default -> fallback != null && !fallback.startsWith("HTTP ") ? fallback
                    : type.title().toLowerCase() + " (HTTP " + type.status() + ")";
        };
    }
}
