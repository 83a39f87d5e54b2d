package io.touchpoint.metrics.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} on every path outside {@code /q/} (health, metrics, OpenAPI and Swagger UI
 * stay open for orchestrators, Prometheus and readers). Pre-matching, so an unknown path answers 401 rather than
 * revealing which paths exist. A refusal is thrown, so {@link ProblemMapper} writes it like every other problem.
 */
public class ApiTokenFilter {

    static final String SCHEME = "Bearer ";

    private final ApiToken token;

    @Inject
    public ApiTokenFilter(ApiToken token) {
        this.token = token;
    }

    @ServerRequestFilter(preMatching = true)
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (path.equals("/q") || path.startsWith("/q/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new UnauthorizedException("send the API token as 'Authorization: Bearer <token>'");
        }
        if (!token.matches(header.substring(SCHEME.length()).strip())) {
            throw new UnauthorizedException("the API token is not valid");
        }
    }
}
