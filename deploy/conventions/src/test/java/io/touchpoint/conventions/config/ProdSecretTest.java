package io.touchpoint.conventions.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.conventions.rest.ApiToken;

/** Outside dev and test, a service refuses to start with a missing, public or short secret (here: the API token). */
class ProdSecretTest {

    /** What ApiToken.require does at start-up with the configured token. */
    private static String requireAcceptable(Optional<String> token, boolean devProfile) {
        return ProdSecret.require(ApiToken.VARIABLE, ApiToken.PROPERTY, token, Set.of(ApiToken.DEV_TOKEN), devProfile);
    }

    @Test
    void productionRefusesAMissingToken() {
        var e = assertThrows(IllegalStateException.class, () -> requireAcceptable(Optional.empty(), false));
        assertTrue(e.getMessage().contains("TOUCHPOINT_API_TOKEN"));
        assertThrows(IllegalStateException.class, () -> requireAcceptable(Optional.of("  "), false));
    }

    @Test
    void productionRefusesTheDevelopmentToken() {
        assertThrows(IllegalStateException.class,
                () -> requireAcceptable(Optional.of("dev-api-token"), false));
        var e = assertThrows(IllegalStateException.class, () -> ApiToken.require(Optional.of("dev-api-token"), false));
        assertTrue(e.getMessage().contains("TOUCHPOINT_API_TOKEN") && !e.getMessage().contains("dev-api-token"),
                "names the variable, never the value: " + e.getMessage());
    }

    @Test
    void productionRefusesATokenShorterThan16Characters() {
        assertThrows(IllegalStateException.class,
                () -> requireAcceptable(Optional.of("fifteen-chars-x"), false));
        assertEquals("sixteen-chars-xy",
                requireAcceptable(Optional.of("sixteen-chars-xy"), false));
    }

    @Test
    void devAndTestAcceptTheDevelopmentTokenButNotNone() {
        assertEquals("dev-api-token", requireAcceptable(Optional.of("dev-api-token"), true));
        assertThrows(IllegalStateException.class, () -> requireAcceptable(Optional.empty(), true));
    }
}
