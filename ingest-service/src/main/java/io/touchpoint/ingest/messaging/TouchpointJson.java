package io.touchpoint.ingest.messaging;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.touchpoint.ingest.config.Channel;
import io.touchpoint.ingest.service.CallType;
import io.touchpoint.ingest.service.JsonPart;
import io.touchpoint.ingest.service.PreparedTouchpoint;
import io.touchpoint.ingest.service.Touchpoint;

/**
 * Writes a {@link Touchpoint} as the touchpoints.v1 record, field by field in the contract's order
 * (absent values as null). The record's fixed parts are pre-encoded bytes, a string goes in as its
 * characters when it is printable ASCII without quote or backslash (what every JSON encoder writes
 * unchanged) and through Jackson's {@link JsonStringEncoder} otherwise, objects as the client's
 * bytes or as Jackson writes a tree. Not the generator: its per-value bookkeeping and buffer copies
 * cost a third of an event's reading and writing (ADR 0023). {@code ContractTest} checks the result
 * against the schema and its field list; {@code SegmentRulesTest} reads it back with Jackson.
 */
public final class TouchpointJson {

    private static final byte[] HEAD = ascii("{\"schemaVersion\":" + Touchpoint.SCHEMA_VERSION + ",\"messageId\":");
    private static final byte[] EVENT = ascii(",\"event\":");
    private static final byte[] CHANNEL = ascii(",\"channel\":");
    private static final byte[] SOURCE_ID = ascii(",\"sourceId\":");
    private static final byte[] USER_ID = ascii(",\"userId\":");
    private static final byte[] ANONYMOUS_ID = ascii(",\"anonymousId\":");
    private static final byte[] PREVIOUS_ID = ascii(",\"previousId\":");
    private static final byte[] GROUP_ID = ascii(",\"groupId\":");
    private static final byte[] TRAITS = ascii(",\"traits\":");
    private static final byte[] PROPERTIES = ascii(",\"properties\":");
    private static final byte[] CONTEXT = ascii(",\"context\":");
    private static final byte[] INTEGRATIONS = ascii(",\"integrations\":");
    private static final byte[] ORIGINAL_TIMESTAMP = ascii(",\"originalTimestamp\":");
    private static final byte[] SENT_AT = ascii(",\"sentAt\":");
    private static final byte[] RECEIVED_AT = ascii(",\"receivedAt\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] NULL = ascii("null");
    private static final Map<CallType, byte[]> TYPES = new EnumMap<>(CallType.class);
    private static final Map<Channel, byte[]> CHANNELS = new EnumMap<>(Channel.class);

    static {
        for (CallType type : CallType.values()) {
            TYPES.put(type, ascii(",\"type\":\"" + type.wire() + "\""));
        }
        for (Channel channel : Channel.values()) {
            CHANNELS.put(channel, ascii("\"" + channel.wire() + "\""));
        }
    }

    private static byte[] ascii(String json) {
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    private TouchpointJson() {
    }

    /** A touchpoint, ready to send: its dedup key, its record key and the record's bytes. */
    public static PreparedTouchpoint prepare(Touchpoint t) {
        return prepare(List.of(t)).get(0);
    }

    /** The touchpoints of one request, ready to send. */
    public static List<PreparedTouchpoint> prepare(List<Touchpoint> touchpoints) {
        List<PreparedTouchpoint> prepared = new ArrayList<>(touchpoints.size());
        Record out = new Record();
        Repeated repeated = new Repeated();
        try {
            for (Touchpoint t : touchpoints) {
                out.reset();
                write(out, t, repeated);
                prepared.add(new PreparedTouchpoint(t.messageId(), t.generatedId(), t.type(), t.customerKey(),
                        out.toByteArray()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a touchpoint", e);
        }
        return prepared;
    }

    private static void write(Record out, Touchpoint t, Repeated repeated) throws IOException {
        out.write(HEAD);
        out.string(t.messageId());
        out.write(TYPES.get(t.type()));
        string(out, EVENT, t.event());
        out.write(CHANNEL);
        out.write(CHANNELS.get(t.channel()));
        repeated.write(out, SOURCE_ID, t.sourceId(), 0);
        string(out, USER_ID, t.userId());
        string(out, ANONYMOUS_ID, t.anonymousId());
        string(out, PREVIOUS_ID, t.previousId());
        string(out, GROUP_ID, t.groupId());
        object(out, TRAITS, t.traits());
        object(out, PROPERTIES, t.properties());
        object(out, CONTEXT, t.context());
        object(out, INTEGRATIONS, t.integrations());
        string(out, ORIGINAL_TIMESTAMP, t.originalTimestamp());
        repeated.write(out, SENT_AT, t.sentAt(), 1);
        repeated.write(out, RECEIVED_AT, t.receivedAt(), 2);
        string(out, TIMESTAMP, t.timestamp());
        out.write('}');
    }

    private static void string(Record out, byte[] name, String value) {
        out.write(name);
        if (value == null) {
            out.write(NULL);
        } else {
            out.string(value);
        }
    }

    private static void object(Record out, byte[] name, JsonPart value) throws IOException {
        out.write(name);
        if (value == null) {
            out.write(NULL);
        } else {
            value.write(out);
        }
    }

    /**
     * Values the events of one request share (its source, its arrival, a batch's {@code sentAt}):
     * encoded once they repeat, then copied. Compared by identity: only the same String is the same value.
     */
    private static final class Repeated {
        private final String[] last = new String[3];
        private final byte[][] json = new byte[3][];

        void write(Record out, byte[] name, String value, int slot) {
            out.write(name);
            if (value == null) {
                out.write(NULL);
            } else if (value == last[slot] && json[slot] != null) {
                out.write(json[slot]);
            } else {
                int from = out.length;
                out.string(value);
                json[slot] = value == last[slot] ? Arrays.copyOfRange(out.bytes, from, out.length) : null;
                last[slot] = value;
            }
        }
    }

    /** One record's bytes, in a buffer reused for the records of a request. */
    private static final class Record extends OutputStream {
        byte[] bytes = new byte[1024];
        int length;

        void reset() {
            length = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        private void room(int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
        }

        @Override
        public void write(int b) {
            room(1);
            bytes[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            room(len);
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }

        /** A JSON string: plain ASCII as it is, anything else as Jackson encodes it. */
        void string(String s) {
            int n = s.length();
            room(n + 2);
            int start = length;
            int at = start;
            bytes[at++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    length = start + 1; // what was copied is written again, encoded
                    write(JsonStringEncoder.getInstance().quoteAsUTF8(s));
                    write('"');
                    return;
                }
                bytes[at++] = (byte) c;
            }
            bytes[at++] = '"';
            length = at;
        }
    }
}
