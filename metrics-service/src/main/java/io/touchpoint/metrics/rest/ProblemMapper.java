package io.touchpoint.metrics.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one mapper from any exception (ours and Quarkus's own 404/405/400) to an {@code application/problem+json}
 * answer; {@link ProblemTable} decides type and detail.
 */
public class ProblemMapper {

    /** Sent with every 401, as RFC 6750 asks. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"touchpoint\"";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final ObjectMapper json;

    @Inject
    public ProblemMapper(ObjectMapper json) {
        this.json = json;
    }

    @ServerExceptionMapper
    public Response toProblem(Throwable failure, UriInfo uri) {
        ProblemTable.Resolved resolved = ProblemTable.resolve(failure);
        ProblemType type = resolved.type();
        if (type.status() >= 500) {
            LOG.errorf(failure, "%s %s failed", type.code(), uri.getRequestUri().getRawPath());
        }
        Problem problem = new Problem(type.uri(), type.title(), type.status(), resolved.detail(),
                uri.getRequestUri().getRawPath());
        Response.ResponseBuilder answer = Response.status(type.status()).type(Problem.MEDIA_TYPE)
                .entity(serialize(problem));
        if (type == ProblemType.UNAUTHORIZED) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (failure instanceof WebApplicationException web && web.getResponse().getHeaderString("Allow") != null) {
            answer.header("Allow", web.getResponse().getHeaderString("Allow"));
        }
        return answer.build();
    }

    private String serialize(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem body", e);
        }
    }
}
