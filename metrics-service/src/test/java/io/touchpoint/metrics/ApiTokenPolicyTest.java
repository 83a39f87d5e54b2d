package io.touchpoint.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.touchpoint.metrics.config.ApiTokenPolicy;

/** Outside dev and test, the service refuses to start with a missing, public or short API token. */
class ApiTokenPolicyTest {

    @Test
    void productionRefusesAMissingToken() {
        var e = assertThrows(IllegalStateException.class, () -> ApiTokenPolicy.requireAcceptable(Optional.empty(), false));
        assertTrue(e.getMessage().contains("TOUCHPOINT_API_TOKEN"));
        assertThrows(IllegalStateException.class, () -> ApiTokenPolicy.requireAcceptable(Optional.of("  "), false));
    }

    @Test
    void productionRefusesTheDevelopmentToken() {
        assertThrows(IllegalStateException.class,
                () -> ApiTokenPolicy.requireAcceptable(Optional.of("dev-api-token"), false));
    }

    @Test
    void productionRefusesATokenShorterThan16Characters() {
        assertThrows(IllegalStateException.class,
                () -> ApiTokenPolicy.requireAcceptable(Optional.of("fifteen-chars-x"), false));
        assertEquals("sixteen-chars-xy",
                ApiTokenPolicy.requireAcceptable(Optional.of("sixteen-chars-xy"), false));
    }

    @Test
    void devAndTestAcceptTheDevelopmentTokenButNotNone() {
        assertEquals("dev-api-token", ApiTokenPolicy.requireAcceptable(Optional.of("dev-api-token"), true));
        assertThrows(IllegalStateException.class, () -> ApiTokenPolicy.requireAcceptable(Optional.empty(), true));
    }
}
