package io.touchpoint.journey.config;

import java.util.List;

import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * The rule every secret of journey-service follows outside the dev and test profiles: set, not the
 * value published for dev, and not short. Decided by the active profile, not the launch mode: a
 * packaged jar run with {@code QUARKUS_PROFILE=dev} (deploy/touchpoint up) is a dev run.
 */
public final class ProdSecret {

    public static final int MIN_LENGTH = 16;

    private ProdSecret() {
    }

    /**
     * @param variable the environment variable a user sets ({@code TOUCHPOINT_API_TOKEN})
     * @param purpose what is missing without it, for the message
     * @throws IllegalStateException when the secret is missing, the dev value or too short, in prod
     */
    public static void require(String variable, String property, String value, String devValue, String purpose) {
        List<String> profiles = ConfigUtils.getProfiles();
        if (profiles.contains("dev") || profiles.contains("test")) {
            return;
        }
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " (" + property + ") is not set; " + purpose);
        }
        if (devValue.equals(value)) {
            throw new IllegalStateException(variable + " is the public dev value; set a secret one for prod");
        }
        if (value.length() < MIN_LENGTH) {
            throw new IllegalStateException(variable + " is shorter than " + MIN_LENGTH + " characters");
        }
    }
}
