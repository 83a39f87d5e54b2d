package io.touchpoint.journey.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;

/** Converts the column values native queries return into the types the journey code uses. */
final class SqlValues {

    private SqlValues() {
    }

    static UUID uuid(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof UUID u ? u : UUID.fromString(v.toString());
    }

    static Instant instant(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof LocalDateTime l) {
            // timestamptz read without zone information: the session runs in UTC (see application.properties)
            return l.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof Date d) {
            return d.toInstant();
        }
        return OffsetDateTime.parse(v.toString()).toInstant();
    }

    static String text(Object v) {
        return v == null ? null : v.toString();
    }

    static long number(Object v) {
        return v == null ? 0 : ((Number) v).longValue();
    }

    static OffsetDateTime param(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
