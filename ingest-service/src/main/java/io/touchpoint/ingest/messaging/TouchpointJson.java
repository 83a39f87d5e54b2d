package io.touchpoint.ingest.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.service.PreparedTouchpoint;
import io.touchpoint.ingest.service.Touchpoint;

/**
 * Writes a {@link Touchpoint} as the touchpoints.v1 record, field by field in the contract's order
 * (absent values as null). Streaming by hand rather than bean serialization: the reflective record
 * accessors and property writers were the largest single cost per event under load.
 * {@code ContractTest} checks the result against the schema and its field list.
 */
public final class TouchpointJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private TouchpointJson() {
    }

    /** A touchpoint built as a tree (webhooks, and calls the byte path left to the tree path), ready to send. */
    public static PreparedTouchpoint prepare(Touchpoint t) {
        return new PreparedTouchpoint(t.messageId(), false, t.type(), t.customerKey(), write(t));
    }

    static byte[] write(Touchpoint t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(MAPPER);
            g.writeStartObject();
            g.writeNumberField("schemaVersion", t.schemaVersion());
            g.writeStringField("messageId", t.messageId());
            g.writeStringField("type", t.type().wire());
            g.writeStringField("event", t.event());
            g.writeStringField("channel", t.channel().wire());
            g.writeStringField("sourceId", t.sourceId());
            g.writeStringField("userId", t.userId());
            g.writeStringField("anonymousId", t.anonymousId());
            g.writeStringField("previousId", t.previousId());
            g.writeStringField("groupId", t.groupId());
            object(g, "traits", t.traits());
            object(g, "properties", t.properties());
            object(g, "context", t.context());
            object(g, "integrations", t.integrations());
            g.writeStringField("originalTimestamp", t.originalTimestamp());
            g.writeStringField("sentAt", t.sentAt());
            g.writeStringField("receivedAt", t.receivedAt());
            g.writeStringField("timestamp", t.timestamp());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a touchpoint", e);
        }
        return out.toByteArray();
    }

    private static void object(JsonGenerator g, String name, ObjectNode value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeTree(value);
        }
    }
}
