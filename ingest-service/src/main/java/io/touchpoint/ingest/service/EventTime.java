package io.touchpoint.ingest.service;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Event-time arithmetic: parsing client clocks, correcting their skew against the server clock and
 * writing instants the way the contracts do (ISO-8601 UTC, milliseconds).
 */
public final class EventTime {

    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private EventTime() {
    }

    /**
     * When the event really happened by the server clock. A device clock may be off by hours, but
     * the gap between the event and the send is measured on that one clock, so
     * {@code receivedAt − (sentAt − originalTimestamp)} cancels its error (Segment does the same).
     * Without sentAt the client's timestamp is taken as is; without either, the arrival time.
     */
    public static Instant corrected(Instant receivedAt, Instant originalTimestamp, Instant sentAt) {
        if (originalTimestamp != null && sentAt != null) {
            return receivedAt.minus(Duration.between(originalTimestamp, sentAt));
        }
        return originalTimestamp != null ? originalTimestamp : receivedAt;
    }

    /**
     * Parses an ISO-8601 date-time that carries an offset ({@code Z} or {@code +01:00}).
     *
     * @throws DateTimeException when it is not one, or lies outside years 1–9999
     */
    public static Instant parse(String text) {
        Instant instant = OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        requireInRange(instant);
        return instant;
    }

    public static void requireInRange(Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new DateTimeException("outside years 0001-9999");
        }
    }

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-23T10:00:00.000Z}; null stays null. */
    public static String format(Instant instant) {
        return instant == null ? null : WIRE.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
