package io.touchpoint.journey.repository;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Many rows as ONE statement parameter: a JSON array the SQL unpacks with {@code jsonb_to_recordset}
 * or {@code jsonb_array_elements_text}. A batch of a thousand touchpoints is then one insert with one
 * bound value, instead of a thousand statements or a statement with thousands of parameters (and a
 * new prepared statement for every batch size). The SQL reads it as
 * {@code cast(cast(:p as text) as jsonb)}: bound straight to jsonb, the reactive driver would send the
 * Java string as a JSON string scalar.
 */
final class JsonRows {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final StringWriter out = new StringWriter();
    private final JsonGenerator g;
    private boolean inRow;
    private int rows;

    JsonRows() {
        try {
            g = FACTORY.createGenerator(out);
            g.writeStartArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON array of strings. */
    static String texts(Collection<?> values) {
        JsonRows r = new JsonRows();
        try {
            for (Object v : values) {
                r.g.writeString(String.valueOf(v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.json();
    }

    JsonRows row() {
        try {
            if (inRow) {
                g.writeEndObject();
            }
            g.writeStartObject();
            inRow = true;
            rows++;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonRows put(String field, String value) {
        try {
            if (value == null) {
                g.writeNullField(field);
            } else {
                g.writeStringField(field, value);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonRows put(String field, UUID value) {
        return put(field, value == null ? null : value.toString());
    }

    JsonRows put(String field, Instant value) {
        // full precision: created_at values of one batch differ by microseconds
        return put(field, value == null ? null : value.toString());
    }

    JsonRows put(String field, long value) {
        try {
            g.writeNumberField(field, value);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value that is JSON already (a stored payload): written as is, not as a string. */
    JsonRows raw(String field, String json) {
        try {
            g.writeFieldName(field);
            g.writeRawValue(json);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isEmpty() {
        return rows == 0;
    }

    String json() {
        try {
            if (inRow) {
                g.writeEndObject();
                inRow = false;
            }
            g.writeEndArray();
            g.close();
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
