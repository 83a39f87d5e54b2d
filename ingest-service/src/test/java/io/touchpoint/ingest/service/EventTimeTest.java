package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class EventTimeTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:01.500Z");

    @Test
    void skewIsCorrectedWithTheGapMeasuredOnTheDeviceClock() {
        // the contract sample: device 0.5 s ahead of the server, event 2 s before sending
        Instant corrected = EventTime.corrected(RECEIVED, Instant.parse("2026-11-23T10:00:00.000Z"),
                Instant.parse("2026-11-23T10:00:02.000Z"));
        assertEquals(Instant.parse("2026-11-23T09:59:59.500Z"), corrected);
    }

    @Test
    void deviceClockYearsBehindStillGivesServerTime() {
        Instant corrected = EventTime.corrected(RECEIVED, Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("1970-01-01T00:00:30Z"));
        assertEquals(RECEIVED.minusSeconds(30), corrected);
    }

    @Test
    void withoutSentAtTheClientTimestampIsTakenAsIs() {
        Instant original = Instant.parse("2026-11-20T08:00:00Z");
        assertEquals(original, EventTime.corrected(RECEIVED, original, null));
    }

    @Test
    void withoutClientTimestampTheArrivalTimeIsTheEventTime() {
        assertEquals(RECEIVED, EventTime.corrected(RECEIVED, null, Instant.parse("2026-11-23T10:00:00Z")));
        assertEquals(RECEIVED, EventTime.corrected(RECEIVED, null, null));
    }

    @Test
    void parsesOffsetsAndFormatsUtcWithMillis() {
        assertEquals("2026-11-23T09:00:00.000Z", EventTime.format(EventTime.parse("2026-11-23T10:00:00+01:00")));
        assertEquals("2026-11-23T10:00:00.123Z", EventTime.format(EventTime.parse("2026-11-23T10:00:00.123987Z")));
    }

    @Test
    void refusesTimesWithoutOffsetOrNonsense() {
        assertThrows(DateTimeException.class, () -> EventTime.parse("2026-11-23T10:00:00"));
        assertThrows(DateTimeException.class, () -> EventTime.parse("yesterday"));
        assertThrows(DateTimeException.class, () -> EventTime.parse("+10000-01-01T00:00:00Z"));
    }
}
