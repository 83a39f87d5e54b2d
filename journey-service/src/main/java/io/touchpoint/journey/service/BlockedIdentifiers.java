package io.touchpoint.journey.service;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.touchpoint.journey.config.JourneyConfig;

/**
 * Placeholder identifier values ("anonymous", "0", "null", ...) that many different people send.
 * Linking on them would stitch strangers into one customer, so they never create or link anything.
 */
@ApplicationScoped
public class BlockedIdentifiers {

    private final Set<String> blocked;
    /** Length of the longest blocked value: a longer one without surrounding blanks cannot match. */
    private final int longest;

    @Inject
    public BlockedIdentifiers(JourneyConfig config) {
        this(Set.copyOf(config.identity().blockedValues()));
    }

    public BlockedIdentifiers(Set<String> values) {
        this.blocked = values.stream().map(BlockedIdentifiers::normalise).collect(Collectors.toUnmodifiableSet());
        this.longest = blocked.stream().mapToInt(String::length).max().orElse(0);
    }

    public boolean isBlocked(String value) {
        if (value == null) {
            return true;
        }
        int n = value.length();
        // most values are real ids, longer than any placeholder: no copy to trim and lower-case them.
        // Not blank (its first character is no whitespace) and nothing for trim() to remove.
        if (n > longest) {
            char first = value.charAt(0);
            if (first > ' ' && !Character.isWhitespace(first) && value.charAt(n - 1) > ' ') {
                return false;
            }
        }
        return value.isBlank() || blocked.contains(normalise(value));
    }

    private static String normalise(String v) {
        return v.trim().toLowerCase(Locale.ROOT);
    }
}
