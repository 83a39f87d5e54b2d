package io.touchpoint.conventions.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.arc.properties.IfBuildProperty;
import io.touchpoint.conventions.config.ConventionsConfig;

/**
 * {@code Authorization: Bearer <token>} on every path outside {@code /q/} (health, metrics, OpenAPI and Swagger UI
 * stay open for orchestrators, Prometheus and readers). Pre-matching, so an unknown path answers 401 rather than
 * revealing which paths exist. A refusal is thrown, so {@link ProblemMapper} writes it like every other problem.
 * <p>
 * Only in the services whose application.properties say {@value #ENABLED_BY}{@code =required} (journey and
 * metrics; read at build time) and which produce their {@link ApiToken}. ingest authenticates by write key.
 */
@IfBuildProperty(name = ApiTokenFilter.ENABLED_BY, stringValue = "required")
public class ApiTokenFilter {

    /** Read at build time; see {@link io.touchpoint.conventions.config.ConventionsConfig#apiToken()}. */
    public static final String ENABLED_BY = "touchpoint.conventions.api-token";
    static final String SCHEME = "Bearer ";

    private final ApiToken token;

    /**
     * @param settings injected so that Quarkus registers the mapping that declares {@value #ENABLED_BY}, which a
     *            service whose own mapping covers {@code touchpoint.*} would otherwise refuse as unknown
     */
    @Inject
    public ApiTokenFilter(ApiToken token, ConventionsConfig settings) {
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
