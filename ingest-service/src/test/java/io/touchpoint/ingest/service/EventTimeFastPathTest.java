package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hand-written parse and format agree with java.time's ISO formatter, and defer to it otherwise. */
class EventTimeFastPathTest {

    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void parsesWhatTheIsoFormatterParses() {
        for (String text : List.of("2026-11-23T10:00:00Z", "2026-11-23T10:00:00.1Z", "2026-11-23T10:00:00.123Z",
                "2026-11-23T10:00:00.123456789Z", "2026-11-23T10:00:00+01:00", "2026-11-23T10:00:00.5-05:30",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00z")) {
            assertEquals(OffsetDateTime.parse(text.replace('z', 'Z'), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant(), EventTime.parseCommon(text), text);
        }
    }

    @Test
    void leavesEverythingElseToTheStrictParser() {
        for (String text : List.of("2026-11-23T10:00Z", "2026-11-23T10:00:00", "2026-11-23 10:00:00Z",
                "2026-02-30T10:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00.1234567890Z",
                "2026-11-23T10:00:00+0100", "2026-11-23T10:00:00+19:00", "x026-11-23T10:00:00Z", "")) {
            assertNull(EventTime.parseCommon(text), text);
        }
    }

    @Test
    void formatsLikeTheFormatterAcrossTheRange() {
        Random random = new Random(42);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)),
                    random.nextInt(1_000_000_000));
            assertEquals(WIRE.format(instant.truncatedTo(ChronoUnit.MILLIS)), EventTime.format(instant));
        }
    }
}
