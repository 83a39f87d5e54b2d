package io.touchpoint.metrics.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.touchpoint.metrics.config.ApiConfig;
import io.touchpoint.metrics.config.ApiTokenPolicy;

/**
 * The query API's bearer token. Checked at start-up ({@link ApiTokenPolicy}), so a production instance without a
 * real token never starts. Only its SHA-256 digest is kept; presented tokens are compared digest to digest in
 * constant time, so neither the length nor a prefix of the secret leaks through timing.
 */
@Startup
@ApplicationScoped
public class ApiToken {

    private final byte[] digest;

    @Inject
    public ApiToken(ApiConfig config) {
        List<String> profiles = ConfigUtils.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        this.digest = sha256(ApiTokenPolicy.requireAcceptable(config.token(), devOrTest));
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
