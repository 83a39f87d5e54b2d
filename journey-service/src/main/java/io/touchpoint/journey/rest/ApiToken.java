package io.touchpoint.journey.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.config.ProdSecret;

/**
 * The query API's bearer token. Checked at start-up ({@link ProdSecret}), so a production instance without a real
 * token never starts. Only its SHA-256 digest is kept; presented tokens are compared digest to digest in constant
 * time ({@link MessageDigest#isEqual}), so neither the length nor a prefix of the secret leaks through timing.
 */
@Startup
@ApplicationScoped
public class ApiToken {

    /** The token application.properties gives the dev and test profiles; refused in every other profile. */
    public static final String DEV_TOKEN = "dev-api-token";

    private final byte[] digest;

    @Inject
    public ApiToken(JourneyConfig config) {
        this.digest = sha256(ProdSecret.require("TOUCHPOINT_API_TOKEN", "touchpoint.api.token", config.api().token(),
                Set.of(DEV_TOKEN), ProdSecret.devProfile()));
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
