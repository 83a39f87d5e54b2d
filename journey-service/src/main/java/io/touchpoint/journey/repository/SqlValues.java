package io.touchpoint.journey.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Parameters and values of the SQL on the plain reactive pool (ADR 0018): batch columns as the arrays
 * the stitcher's statements take, timestamps as the driver binds them.
 */
final class SqlValues {

    private SqlValues() {
    }

    /** A timestamptz column as read by the reactive driver. */
    static Instant instant(OffsetDateTime v) {
        return v == null ? null : v.toInstant();
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
