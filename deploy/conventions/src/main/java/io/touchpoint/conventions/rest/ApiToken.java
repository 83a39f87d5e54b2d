package io.touchpoint.conventions.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

import io.touchpoint.conventions.config.ProdSecret;

/**
 * The query APIs' bearer token ({@code TOUCHPOINT_API_TOKEN}, property {@code touchpoint.api.token} of journey and
 * metrics, each read through its own config mapping). {@link #require} applies {@link ProdSecret}, so a production
 * instance without a real token does not start: each service produces its token with {@code @Startup}. Only the
 * SHA-256 digest is kept; presented tokens are compared digest to digest in constant time
 * ({@link MessageDigest#isEqual}), so neither the length nor a prefix of the secret leaks through timing.
 */
public final class ApiToken {

    public static final String VARIABLE = "TOUCHPOINT_API_TOKEN";
    public static final String PROPERTY = "touchpoint.api.token";
    /** The token application.properties gives the dev and test profiles; refused in every other profile. */
    public static final String DEV_TOKEN = "dev-api-token";
    /** Sent with every 401 of a query API, as RFC 6750 asks. */
    public static final String CHALLENGE = "Bearer realm=\"touchpoint\"";

    private final byte[] digest;

    private ApiToken(String token) {
        this.digest = sha256(token);
    }

    /** The configured token, in the active profile. */
    public static ApiToken require(Optional<String> configured) {
        return require(configured, ProdSecret.devProfile());
    }

    /**
     * @throws IllegalStateException naming {@value #VARIABLE}, never the value, when the token may not be used
     */
    public static ApiToken require(Optional<String> configured, boolean devProfile) {
        return new ApiToken(ProdSecret.require(VARIABLE, PROPERTY, configured, Set.of(DEV_TOKEN), devProfile));
    }

    /** Whether the presented token is this one, compared in constant time. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
