package io.touchpoint.metrics.rest;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.metrics.repository.CounterStoreUnavailableException;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one mapper from any failure (ours, the token filter's and Quarkus's own 404/405/406/415) to an
 * {@code application/problem+json} answer; {@link ProblemTable} decides the type. A 500 gets a fresh correlation
 * id, logged with the exception and returned in the body and the {@code X-Correlation-Id} header.
 */
public class ProblemMapper {

    /** Sent with every 401, as RFC 6750 asks. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"touchpoint\"";
    /** Seconds a client should wait before retrying after a 503 because Redis did not answer. */
    static final String RETRY_AFTER_SECONDS = "5";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final ObjectMapper json;

    @Inject
    public ProblemMapper(ObjectMapper json) {
        this.json = json;
    }

    @ServerExceptionMapper
    public Response toProblem(Throwable failure, HttpServerRequest request) {
        ProblemType type = ProblemTable.of(failure);
        String path = request.path();
        String correlationId = null;
        String detail;
        if (type == ProblemType.INTERNAL) {
            correlationId = UUID.randomUUID().toString();
            LOG.errorf(failure, "internal error, correlationId=%s: %s %s", correlationId, request.method(), path);
            detail = "an unexpected error occurred; quote correlation id " + correlationId;
        } else {
            detail = detail(type, failure, request.method().name(), path);
            if (type.status() >= 500) {
                LOG.warnf("%s %s answered %s: %s", request.method(), path, type.code(), failure);
            }
        }
        Response.ResponseBuilder answer = Response.status(type.status()).type(Problem.MEDIA_TYPE)
                .entity(serialize(new Problem(type.type(), type.title(), type.status(), detail, path, correlationId)));
        if (type == ProblemType.UNAUTHORIZED) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (failure instanceof CounterStoreUnavailableException) {
            answer.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (correlationId != null) {
            answer.header(Problem.CORRELATION_HEADER, correlationId);
        }
        if (type == ProblemType.METHOD_NOT_ALLOWED) {
            answer.header(HttpHeaders.ALLOW, AllowedMethods.at(path));
        }
        return answer.build();
    }

    /** What to change; our exceptions say it themselves, Quarkus's own answers get a sentence here. */
    private static String detail(ProblemType type, Throwable failure, String method, String path) {
        if (!(failure instanceof WebApplicationException web)) {
            return failure instanceof CounterStoreUnavailableException
                    ? "the counter store (Redis) is not reachable; retry later" : failure.getMessage();
        }
        return switch (type) {
            case NOT_FOUND -> "no resource at this path";
            case METHOD_NOT_ALLOWED -> method + " is not allowed on " + path + "; use " + AllowedMethods.at(path);
            case NOT_ACCEPTABLE -> "this resource answers application/json";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported request content type";
            case UNAUTHORIZED -> "authentication required";
            default -> web.getMessage();
        };
    }

    private String serialize(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem body", e);
        }
    }
}
