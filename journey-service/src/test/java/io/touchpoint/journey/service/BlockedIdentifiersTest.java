package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Placeholder values never link anything, however they are spelled; real ids always do. */
class BlockedIdentifiersTest {

    private final BlockedIdentifiers blocked = new BlockedIdentifiers(Set.of("null", "anonymous", "N/A", "0"));

    /**
     * The last three are longer than any placeholder, only because of blanks: around the value, or
     * nothing but (em spaces, which are whitespace though trim() keeps them).
     */
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "   ", "Anonymous", "n/a", " 0 ", "      ANONYMOUS\t", "\tnull          ",
            "\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003" })
    void placeholdersAreBlockedInAnyCaseAndWithSurroundingBlanks(String value) {
        assertTrue(blocked.isBlocked(value));
    }

    @ParameterizedTest
    @ValueSource(strings = { "anonymous-7f3a", "user-42", "00", "nul", " user@example.com ",
            "0f9c2e6a-5b1d-4c8e-9a1f-3d2b7c6e4a10" })
    void realIdsAreNotBlocked(String value) {
        assertFalse(blocked.isBlocked(value));
    }
}
