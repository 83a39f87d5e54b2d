package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** Placeholder values never link anything, however they are spelled; real ids always do. */
class BlockedIdentifiersTest {

    private final BlockedIdentifiers blocked = new BlockedIdentifiers(Set.of("null", "anonymous", "N/A", "0"));

    @Test
    void placeholdersAreBlockedInAnyCaseAndWithSurroundingBlanks() {
        assertTrue(blocked.isBlocked(null));
        assertTrue(blocked.isBlocked(""));
        assertTrue(blocked.isBlocked("   "));
        assertTrue(blocked.isBlocked("Anonymous"));
        assertTrue(blocked.isBlocked("n/a"));
        assertTrue(blocked.isBlocked(" 0 "));
        // longer than any placeholder, yet only because of the blanks around it
        assertTrue(blocked.isBlocked("      ANONYMOUS\t"));
        assertTrue(blocked.isBlocked("\tnull          "));
    }

    @Test
    void realIdsAreNotBlocked() {
        assertFalse(blocked.isBlocked("anonymous-7f3a"));
        assertFalse(blocked.isBlocked("user-42"));
        assertFalse(blocked.isBlocked("00"));
        assertFalse(blocked.isBlocked("nul"));
        assertFalse(blocked.isBlocked(" user@example.com "));
        assertFalse(blocked.isBlocked("0f9c2e6a-5b1d-4c8e-9a1f-3d2b7c6e4a10"));
    }
}
