package io.touchpoint.journey.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one mapper from failures to {@code application/problem+json}, using {@link ProblemTable}. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    static final String BEARER_CHALLENGE = "Bearer realm=\"touchpoint\"";
    /** Seconds a client should wait before retrying after a 503 (PostgreSQL unreachable). */
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper(priority = 1)
    public Response map(WebApplicationException e, UriInfo uri) {
        return toResponse(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response map(Exception e, UriInfo uri) {
        return toResponse(e, uri);
    }

    static Response toResponse(Throwable e, UriInfo uri) {
        ProblemTable.Entry entry = ProblemTable.of(e);
        String detail;
        if (entry == ProblemTable.UNAVAILABLE) {
            LOG.warnf("request %s answered 503: %s", uri == null ? "?" : uri.getPath(), e.toString());
            detail = "PostgreSQL is unreachable; retry later";
        } else if (entry.status() >= 500) {
            LOG.errorf(e, "request %s failed", uri == null ? "?" : uri.getPath());
            detail = "The request could not be completed; the error is logged.";
        } else {
            detail = e.getMessage();
        }
        return problem(entry, detail, uri == null ? null : "/" + stripSlash(uri.getPath()));
    }

    static Response problem(ProblemTable.Entry entry, String detail, String instance) {
        Response.ResponseBuilder b = Response.status(entry.status())
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("urn:touchpoint:problem:" + entry.code(), entry.title(), entry.status(), detail, instance));
        if (entry.status() == 401) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (entry.status() == 503) {
            b.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return b.build();
    }

    private static String stripSlash(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
