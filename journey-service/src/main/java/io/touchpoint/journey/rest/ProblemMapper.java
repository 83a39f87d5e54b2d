package io.touchpoint.journey.rest;

import java.util.UUID;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.vertx.core.http.HttpServerRequest;

/**
 * The one mapper from any failure (ours, the token filter's and Quarkus's own 404/405/406/415) to an
 * {@code application/problem+json} answer; {@link ProblemTable} decides the type. A 500 gets a fresh correlation
 * id, logged with the exception and returned in the body and the {@code X-Correlation-Id} header.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    /** Sent with every 401, as RFC 6750 asks. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"touchpoint\"";
    /** Seconds a client should wait before retrying after a 503 (PostgreSQL unreachable). */
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response toProblem(Throwable failure, HttpServerRequest request) {
        return toResponse(failure, request.method().name(), request.path());
    }

    static Response toResponse(Throwable failure, String method, String path) {
        ProblemType type = ProblemTable.of(failure);
        String correlationId = null;
        String detail;
        if (type == ProblemType.INTERNAL) {
            correlationId = UUID.randomUUID().toString();
            LOG.errorf(failure, "internal error, correlationId=%s: %s %s", correlationId, method, path);
            detail = "an unexpected error occurred; quote correlation id " + correlationId;
        } else if (type == ProblemType.UNAVAILABLE) {
            LOG.warnf("%s %s answered 503: %s", method, path, failure);
            detail = "PostgreSQL is unreachable; retry later";
        } else {
            detail = detail(type, failure, method, path);
        }
        Response.ResponseBuilder answer = Response.status(type.status()).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type.type(), type.title(), type.status(), detail, path, correlationId));
        if (type == ProblemType.UNAUTHORIZED) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (type == ProblemType.UNAVAILABLE) {
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
            return failure.getMessage();
        }
        return switch (type) {
            case NOT_FOUND -> "no resource at this path";
            case METHOD_NOT_ALLOWED -> method + " is not allowed on " + path + "; use " + AllowedMethods.at(path);
            case NOT_ACCEPTABLE -> "this resource answers application/json";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported request content type";
            default -> web.getMessage();
        };
    }
}
