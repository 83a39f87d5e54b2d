package io.touchpoint.ingest.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.ingest.config.Channel;
import io.touchpoint.ingest.service.CallType;
import io.touchpoint.ingest.service.JsonPart;
import io.touchpoint.ingest.service.PreparedTouchpoint;
import io.touchpoint.ingest.service.Touchpoint;

/**
 * Writes a {@link Touchpoint} as the touchpoints.v1 record, field by field in the contract's order
 * (absent values as null), with Jackson's generator; objects the client sent go in as their bytes.
 * Streaming by hand rather than bean serialization: the reflective record accessors and property
 * writers cost more than the rest of the record. {@code ContractTest} checks the result against the
 * schema and its field list.
 */
public final class TouchpointJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final SerializableString SCHEMA_VERSION = new SerializedString("schemaVersion");
    private static final SerializableString MESSAGE_ID = new SerializedString("messageId");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString EVENT = new SerializedString("event");
    private static final SerializableString CHANNEL = new SerializedString("channel");
    private static final SerializableString SOURCE_ID = new SerializedString("sourceId");
    private static final SerializableString USER_ID = new SerializedString("userId");
    private static final SerializableString ANONYMOUS_ID = new SerializedString("anonymousId");
    private static final SerializableString PREVIOUS_ID = new SerializedString("previousId");
    private static final SerializableString GROUP_ID = new SerializedString("groupId");
    private static final SerializableString TRAITS = new SerializedString("traits");
    private static final SerializableString PROPERTIES = new SerializedString("properties");
    private static final SerializableString CONTEXT = new SerializedString("context");
    private static final SerializableString INTEGRATIONS = new SerializedString("integrations");
    private static final SerializableString ORIGINAL_TIMESTAMP = new SerializedString("originalTimestamp");
    private static final SerializableString SENT_AT = new SerializedString("sentAt");
    private static final SerializableString RECEIVED_AT = new SerializedString("receivedAt");
    private static final SerializableString TIMESTAMP = new SerializedString("timestamp");
    private static final Map<CallType, SerializableString> TYPES = new EnumMap<>(CallType.class);
    private static final Map<Channel, SerializableString> CHANNELS = new EnumMap<>(Channel.class);

    static {
        for (CallType type : CallType.values()) {
            TYPES.put(type, new SerializedString(type.wire()));
        }
        for (Channel channel : Channel.values()) {
            CHANNELS.put(channel, new SerializedString(channel.wire()));
        }
    }

    private TouchpointJson() {
    }

    /** A touchpoint, ready to send: its dedup key, its record key and the record's bytes. */
    public static PreparedTouchpoint prepare(Touchpoint t) {
        return prepare(List.of(t)).get(0);
    }

    /** The touchpoints of one request, ready to send, written by one generator. */
    public static List<PreparedTouchpoint> prepare(List<Touchpoint> touchpoints) {
        List<PreparedTouchpoint> prepared = new ArrayList<>(touchpoints.size());
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(MAPPER);
            g.setRootValueSeparator(null);
            for (Touchpoint t : touchpoints) {
                write(g, t);
                g.flush();
                prepared.add(new PreparedTouchpoint(t.messageId(), t.generatedId(), t.type(), t.customerKey(),
                        out.toByteArray()));
                out.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a touchpoint", e);
        }
        return prepared;
    }

    private static void write(JsonGenerator g, Touchpoint t) throws IOException {
        g.writeStartObject();
        g.writeFieldName(SCHEMA_VERSION);
        g.writeNumber(t.schemaVersion());
        string(g, MESSAGE_ID, t.messageId());
        g.writeFieldName(TYPE);
        g.writeString(TYPES.get(t.type()));
        string(g, EVENT, t.event());
        g.writeFieldName(CHANNEL);
        g.writeString(CHANNELS.get(t.channel()));
        string(g, SOURCE_ID, t.sourceId());
        string(g, USER_ID, t.userId());
        string(g, ANONYMOUS_ID, t.anonymousId());
        string(g, PREVIOUS_ID, t.previousId());
        string(g, GROUP_ID, t.groupId());
        object(g, TRAITS, t.traits());
        object(g, PROPERTIES, t.properties());
        object(g, CONTEXT, t.context());
        object(g, INTEGRATIONS, t.integrations());
        string(g, ORIGINAL_TIMESTAMP, t.originalTimestamp());
        string(g, SENT_AT, t.sentAt());
        string(g, RECEIVED_AT, t.receivedAt());
        string(g, TIMESTAMP, t.timestamp());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    private static void object(JsonGenerator g, SerializableString name, JsonPart value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            value.write(g);
        }
    }
}
