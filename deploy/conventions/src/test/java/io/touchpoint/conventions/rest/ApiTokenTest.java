package io.touchpoint.conventions.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The token matches itself only: not a prefix, not a longer value, not nothing; surrounding blanks are not part of it. */
class ApiTokenTest {

    @Test
    void onlyTheConfiguredTokenMatches() {
        ApiToken token = ApiToken.require(Optional.of("  sixteen-chars-xy "), false);
        assertTrue(token.matches("sixteen-chars-xy"));
        assertFalse(token.matches("sixteen-chars-x"));
        assertFalse(token.matches("sixteen-chars-xyz"));
        assertFalse(token.matches(""));
        assertFalse(token.matches(null));
    }
}
