package io.touchpoint.journey.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one timestamp format of the contracts and the API: ISO-8601 UTC with milliseconds. */
public final class IsoTime {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private IsoTime() {
    }

    public static String format(Instant i) {
        return i == null ? null : FORMAT.format(i);
    }
}
