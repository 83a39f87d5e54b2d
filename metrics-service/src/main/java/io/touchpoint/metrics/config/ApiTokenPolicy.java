package io.touchpoint.metrics.config;

import java.util.Optional;

/**
 * Which API tokens the service accepts to start with. The well-known development token is fine in the
 * dev and test profiles and a start-up error anywhere else, so a production deployment can never run
 * with a secret everybody knows.
 */
public final class ApiTokenPolicy {

    public static final String DEV_TOKEN = "dev-api-token";
    public static final int MIN_LENGTH = 16;

    private ApiTokenPolicy() {
    }

    /**
     * @param devOrTest whether the dev or test profile is active
     * @return the token to use
     * @throws IllegalStateException with a message naming the fix, when the token is unacceptable
     */
    public static String requireAcceptable(Optional<String> configured, boolean devOrTest) {
        String token = configured.map(String::strip).filter(t -> !t.isEmpty()).orElseThrow(
                () -> new IllegalStateException("TOUCHPOINT_API_TOKEN (touchpoint.api.token) is not set; "
                        + "the query API needs a bearer token of at least " + MIN_LENGTH + " characters"));
        if (devOrTest) {
            return token;
        }
        if (DEV_TOKEN.equals(token)) {
            throw new IllegalStateException("TOUCHPOINT_API_TOKEN is the public development token '" + DEV_TOKEN
                    + "'; set a secret token outside the dev and test profiles");
        }
        if (token.length() < MIN_LENGTH) {
            throw new IllegalStateException("TOUCHPOINT_API_TOKEN is shorter than " + MIN_LENGTH + " characters");
        }
        return token;
    }
}
