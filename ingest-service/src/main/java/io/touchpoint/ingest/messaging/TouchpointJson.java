package io.touchpoint.ingest.messaging;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
    // the record's fixed parts, pre-encoded: the generator escapes only the values
    private static final SerializableString HEAD = raw("{\"schemaVersion\":" + Touchpoint.SCHEMA_VERSION + ",\"messageId\":");
    private static final SerializableString EVENT = raw(",\"event\":");
    private static final SerializableString CHANNEL = raw(",\"channel\":");
    private static final SerializableString SOURCE_ID = raw(",\"sourceId\":");
    private static final SerializableString USER_ID = raw(",\"userId\":");
    private static final SerializableString ANONYMOUS_ID = raw(",\"anonymousId\":");
    private static final SerializableString PREVIOUS_ID = raw(",\"previousId\":");
    private static final SerializableString GROUP_ID = raw(",\"groupId\":");
    private static final SerializableString TRAITS = raw(",\"traits\":");
    private static final SerializableString PROPERTIES = raw(",\"properties\":");
    private static final SerializableString CONTEXT = raw(",\"context\":");
    private static final SerializableString INTEGRATIONS = raw(",\"integrations\":");
    private static final SerializableString ORIGINAL_TIMESTAMP = raw(",\"originalTimestamp\":");
    private static final SerializableString SENT_AT = raw(",\"sentAt\":");
    private static final SerializableString RECEIVED_AT = raw(",\"receivedAt\":");
    private static final SerializableString TIMESTAMP = raw(",\"timestamp\":");
    private static final SerializableString NULL = raw("null");
    private static final SerializableString END = raw("}");
    private static final Map<CallType, SerializableString> TYPES = new EnumMap<>(CallType.class);
    private static final Map<Channel, SerializableString> CHANNELS = new EnumMap<>(Channel.class);

    static {
        for (CallType type : CallType.values()) {
            TYPES.put(type, raw(",\"type\":\"" + type.wire() + "\""));
        }
        for (Channel channel : Channel.values()) {
            CHANNELS.put(channel, raw("\"" + channel.wire() + "\""));
        }
    }

    private static SerializableString raw(String json) {
        return new SerializedString(json);
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
            Repeated repeated = new Repeated();
            for (Touchpoint t : touchpoints) {
                write(g, out, t, repeated);
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

    /**
     * One record as a root value: the fixed parts raw, the values through the generator (strings
     * escaped, trees written), so the generator's per-field bookkeeping is skipped.
     */
    private static void write(JsonGenerator g, OutputStream out, Touchpoint t, Repeated repeated) throws IOException {
        g.writeRaw(HEAD);
        g.writeString(t.messageId());
        g.writeRaw(TYPES.get(t.type()));
        string(g, EVENT, t.event());
        g.writeRaw(CHANNEL);
        g.writeRaw(CHANNELS.get(t.channel()));
        repeated.write(g, SOURCE_ID, t.sourceId(), 0);
        string(g, USER_ID, t.userId());
        string(g, ANONYMOUS_ID, t.anonymousId());
        string(g, PREVIOUS_ID, t.previousId());
        string(g, GROUP_ID, t.groupId());
        object(g, out, TRAITS, t.traits());
        object(g, out, PROPERTIES, t.properties());
        object(g, out, CONTEXT, t.context());
        object(g, out, INTEGRATIONS, t.integrations());
        string(g, ORIGINAL_TIMESTAMP, t.originalTimestamp());
        repeated.write(g, SENT_AT, t.sentAt(), 1);
        repeated.write(g, RECEIVED_AT, t.receivedAt(), 2);
        string(g, TIMESTAMP, t.timestamp());
        g.writeRaw(END);
    }

    /**
     * Values the events of one request share (its source, its arrival, a batch's {@code sentAt}):
     * escaped once, then written as bytes. Compared by identity: only the same String is the same value.
     */
    private static final class Repeated {
        private final String[] last = new String[3];
        private final SerializableString[] json = new SerializableString[3];

        void write(JsonGenerator g, SerializableString name, String value, int slot) throws IOException {
            if (value == null || value != last[slot]) {
                string(g, name, value);
                last[slot] = value;
                json[slot] = null;
                return;
            }
            if (json[slot] == null) { // seen twice: worth encoding once
                json[slot] = raw('"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"');
            }
            g.writeRaw(name);
            g.writeRaw(json[slot]);
        }
    }

    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeRaw(name);
        if (value == null) {
            g.writeRaw(NULL);
        } else {
            g.writeString(value);
        }
    }

    private static void object(JsonGenerator g, OutputStream out, SerializableString name, JsonPart value) throws IOException {
        g.writeRaw(name);
        if (value == null) {
            g.writeRaw(NULL);
        } else {
            value.write(g, out);
        }
    }
}
