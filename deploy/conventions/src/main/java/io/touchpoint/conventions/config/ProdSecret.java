package io.touchpoint.conventions.config;

import java.util.Optional;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * The rule every secret of every service follows (docs/CONVENTIONS.md): always set; outside the dev and test
 * profiles never a value application.properties publishes for dev, and at least {@value #MIN_LENGTH} characters.
 * Decided by the active profile, not the launch mode: a packaged jar run with {@code QUARKUS_PROFILE=dev} is a
 * dev run. Messages name the variable, never the value.
 */
public final class ProdSecret {

    public static final int MIN_LENGTH = 16;

    /** Why a secret cannot be used. */
    public enum Flaw {
        MISSING, DEV_VALUE, TOO_SHORT
    }

    private ProdSecret() {
    }

    /** Whether the published development values are accepted: the dev or the test profile is active. */
    public static boolean devProfile() {
        return ConfigUtils.getProfiles().stream().anyMatch(p -> p.equals("dev") || p.equals("test"));
    }

    /** What is wrong with a secret; empty when it may be used. */
    public static Optional<Flaw> flaw(String value, Set<String> devValues, boolean devProfile) {
        if (value == null || value.isBlank()) {
            return Optional.of(Flaw.MISSING);
        }
        if (devProfile) {
            return Optional.empty();
        }
        if (devValues.contains(value.strip())) {
            return Optional.of(Flaw.DEV_VALUE);
        }
        return value.strip().length() < MIN_LENGTH ? Optional.of(Flaw.TOO_SHORT) : Optional.empty();
    }

    /**
     * @param variable the environment variable a user sets ({@code TOUCHPOINT_API_TOKEN})
     * @param property the configuration property it feeds ({@code touchpoint.api.token})
     * @return the secret, stripped
     * @throws IllegalStateException naming the variable and the fix, when the secret cannot be used
     */
    public static String require(String variable, String property, Optional<String> value, Set<String> devValues,
            boolean devProfile) {
        String secret = value.orElse(null);
        Optional<Flaw> flaw = flaw(secret, devValues, devProfile);
        if (flaw.isPresent()) {
            throw new IllegalStateException(switch (flaw.get()) {
                case MISSING -> variable + " (" + property + ") is not set; set a secret of at least " + MIN_LENGTH
                        + " characters";
                case DEV_VALUE -> variable + " is the public development value; set a secret one outside the dev and "
                        + "test profiles";
                case TOO_SHORT -> variable + " is shorter than " + MIN_LENGTH + " characters";
            });
        }
        return secret.strip();
    }
}
