package io.touchpoint.journey.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.runtime.StartupEvent;
import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.config.ProdSecret;

/**
 * Bearer token on every path outside {@code /q/} (health, metrics and OpenAPI stay open). Tokens are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, in constant time, and never logged.
 */
@ApplicationScoped
public class ApiTokenFilter {

    static final String DEV_TOKEN = "dev-api-token";

    private final byte[] expected;

    @Inject
    public ApiTokenFilter(JourneyConfig config) {
        this.expected = config.api().token().map(ApiTokenFilter::sha256).orElse(null);
    }

    /** Outside the dev and test profiles the service refuses to run with no token, the dev one or a short one. */
    void checkOnStart(@Observes StartupEvent ev, JourneyConfig config) {
        ProdSecret.require("TOUCHPOINT_API_TOKEN", "touchpoint.api.token", config.api().token().orElse(""), DEV_TOKEN,
                "the query API needs a token");
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/q/") || path.equals("/q")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String instance = path.startsWith("/") ? path : "/" + path;
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ProblemMapper.problem(ProblemTable.of(new UnauthorizedException("")),
                    "Authorization: Bearer <token> is required", instance);
        }
        byte[] given = sha256(header.substring(7).trim());
        if (expected == null || !MessageDigest.isEqual(given, expected)) {
            return ProblemMapper.problem(ProblemTable.of(new UnauthorizedException("")),
                    "The API token is not valid", instance);
        }
        return null;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
