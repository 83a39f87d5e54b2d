package io.touchpoint.journey.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Date;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Converts the column values native queries return into the types the journey code uses, and batch
 * columns into the arrays the stitcher's statements take.
 */
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
        // not Instant.atOffset: on Java 17 that builds new ZoneRules for every value, two per touchpoint
        return i == null ? null
                : OffsetDateTime.of(LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
    }

    /** Statement parameters as given; an array stays one parameter (a PostgreSQL array). */
    static Tuple args(Object... values) {
        Tuple t = Tuple.tuple();
        for (Object v : values) {
            t.addValue(v);
        }
        return t;
    }

    static String[] texts(Collection<String> values) {
        return values.toArray(new String[0]);
    }

    static UUID[] uuids(Collection<UUID> values) {
        return values.toArray(new UUID[0]);
    }

    static OffsetDateTime[] times(Collection<Instant> values) {
        OffsetDateTime[] out = new OffsetDateTime[values.size()];
        int i = 0;
        for (Instant v : values) {
            out[i++] = param(v);
        }
        return out;
    }
}
