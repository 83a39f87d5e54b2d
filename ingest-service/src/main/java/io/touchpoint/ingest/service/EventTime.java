package io.touchpoint.ingest.service;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
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
            // the same instant as receivedAt.minus(Duration.between(originalTimestamp, sentAt)), without
            // Duration's generic temporal arithmetic (a few percent of ingest's CPU per event)
            return receivedAt.minusSeconds(sentAt.getEpochSecond() - originalTimestamp.getEpochSecond())
                    .minusNanos(sentAt.getNano() - originalTimestamp.getNano());
        }
        return originalTimestamp != null ? originalTimestamp : receivedAt;
    }

    /**
     * Parses an ISO-8601 date-time that carries an offset ({@code Z} or {@code +01:00}).
     *
     * @throws DateTimeException when it is not one, or lies outside years 1–9999
     */
    public static Instant parse(String text) {
        String trimmed = text.trim();
        Instant instant = parseCommon(trimmed);
        if (instant == null) {
            instant = OffsetDateTime.parse(trimmed, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        }
        requireInRange(instant);
        return instant;
    }

    /**
     * The shape every SDK sends ({@code 2026-11-23T10:00:00.123Z}, fraction and offset optional in
     * form), read without a DateTimeFormatter, whose parse costs more than all other rules of an
     * event (ADR 0023). Anything else, and anything invalid, returns null so the strict parser
     * decides (and reports the error).
     */
    static Instant parseCommon(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            int length = i - start;
            if (length == 0 || length > 9) {
                return null;
            }
            nanos = digits(s, start, length);
            for (int k = length; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        char c = i < n ? s.charAt(i) : ' ';
        if (i == n - 1 && (c == 'Z' || c == 'z')) {
            offsetSeconds = 0;
        } else if (i == n - 6 && (c == '+' || c == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                    .toInstant(offsetSeconds == 0 ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    public static void requireInRange(Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new DateTimeException("outside years 0001-9999");
        }
    }

    /**
     * {@link #format} of an instant parsed from {@code text}: the text itself when it already is in
     * that form, as {@code Date.toISOString()} writes it (every JavaScript SDK sends that).
     */
    public static String format(Instant instant, String text) {
        if (instant != null && text != null && text.length() == 24 && text.charAt(19) == '.' && text.charAt(23) == 'Z'
                && text.charAt(10) == 'T') {
            return text;
        }
        return format(instant);
    }

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-23T10:00:00.000Z}; null stays null. */
    public static String format(Instant instant) {
        if (instant == null) {
            return null;
        }
        // by hand, as parseCommon: the formatter costs more than the rest of the record (ADR 0023);
        // the civil date from days is H. Hinnant's algorithm
        long epochSecond = instant.getEpochSecond();
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return WIRE.format(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        byte[] b = new byte[24];
        digits(b, 0, (int) year, 4);
        b[4] = '-';
        digits(b, 5, month, 2);
        b[7] = '-';
        digits(b, 8, day, 2);
        b[10] = 'T';
        digits(b, 11, secondOfDay / 3600, 2);
        b[13] = ':';
        digits(b, 14, secondOfDay / 60 % 60, 2);
        b[16] = ':';
        digits(b, 17, secondOfDay % 60, 2);
        b[19] = '.';
        digits(b, 20, instant.getNano() / 1_000_000, 3);
        b[23] = 'Z';
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
