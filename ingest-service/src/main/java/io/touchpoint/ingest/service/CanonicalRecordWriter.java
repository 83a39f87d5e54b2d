package io.touchpoint.ingest.service;

import static io.touchpoint.ingest.service.SegmentScanner.ABSENT;
import static io.touchpoint.ingest.service.SegmentScanner.ANONYMOUS_ID;
import static io.touchpoint.ingest.service.SegmentScanner.CONTEXT;
import static io.touchpoint.ingest.service.SegmentScanner.EVENT;
import static io.touchpoint.ingest.service.SegmentScanner.GROUP_ID;
import static io.touchpoint.ingest.service.SegmentScanner.INTEGRATIONS;
import static io.touchpoint.ingest.service.SegmentScanner.MESSAGE_ID;
import static io.touchpoint.ingest.service.SegmentScanner.NAME;
import static io.touchpoint.ingest.service.SegmentScanner.NULL;
import static io.touchpoint.ingest.service.SegmentScanner.OBJECT;
import static io.touchpoint.ingest.service.SegmentScanner.ORIGINAL_TIMESTAMP;
import static io.touchpoint.ingest.service.SegmentScanner.PREVIOUS_ID;
import static io.touchpoint.ingest.service.SegmentScanner.PROPERTIES;
import static io.touchpoint.ingest.service.SegmentScanner.SENT_AT;
import static io.touchpoint.ingest.service.SegmentScanner.SPACED;
import static io.touchpoint.ingest.service.SegmentScanner.STRING;
import static io.touchpoint.ingest.service.SegmentScanner.TIMESTAMP;
import static io.touchpoint.ingest.service.SegmentScanner.TRAITS;
import static io.touchpoint.ingest.service.SegmentScanner.TYPE;
import static io.touchpoint.ingest.service.SegmentScanner.USER_ID;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.service.SegmentScanner.Batch;
import io.touchpoint.ingest.service.SegmentScanner.Event;
import io.touchpoint.ingest.service.SegmentScanner.Value;

/**
 * Writes the canonical {@code touchpoints.v1} record of a scanned event straight into bytes: the
 * scalar fields are checked and normalised exactly as {@link TouchpointNormaliser} does, and
 * {@code properties}, {@code traits}, {@code context} and {@code integrations} are copied from the
 * request as the client wrote them (whitespace between tokens removed). Per event that saves
 * building a tree, checking it for duplicate keys with hash sets and serialising it again, which
 * was most of ingest's CPU under load.
 *
 * <p>It only ever <em>accepts</em>: whenever an event is refused, or needs something the byte copy
 * cannot do exactly (a batch context merged into the item's own, an IP to anonymise or replace, a
 * field of an unusual JSON type), {@link #write} returns null and the caller takes the tree path,
 * which decides, explains refusals and writes the record as before. Numbers and string escapes are
 * carried as the client sent them ({@code 1e2} stays {@code 1e2}; the tree path writes
 * {@code 100.0}): the same JSON values.
 *
 * <p>One instance per request: it holds the request's body, source, arrival time and client address.
 */
final class CanonicalRecordWriter {

    private static final byte[][] TYPE_FIELD = new byte[CallType.values().length][];
    private static final byte[] SCHEMA_AND_MESSAGE_ID = ascii("{\"schemaVersion\":" + Touchpoint.SCHEMA_VERSION
            + ",\"messageId\":");
    private static final byte[] EVENT_FIELD = ascii(",\"event\":");
    private static final byte[] USER_ID_FIELD = ascii(",\"userId\":");
    private static final byte[] ANONYMOUS_ID_FIELD = ascii(",\"anonymousId\":");
    private static final byte[] PREVIOUS_ID_FIELD = ascii(",\"previousId\":");
    private static final byte[] GROUP_ID_FIELD = ascii(",\"groupId\":");
    private static final byte[] TRAITS_FIELD = ascii(",\"traits\":");
    private static final byte[] PROPERTIES_FIELD = ascii(",\"properties\":");
    private static final byte[] CONTEXT_FIELD = ascii(",\"context\":");
    private static final byte[] INTEGRATIONS_FIELD = ascii(",\"integrations\":");
    private static final byte[] ORIGINAL_TIMESTAMP_FIELD = ascii(",\"originalTimestamp\":");
    private static final byte[] SENT_AT_FIELD = ascii(",\"sentAt\":");
    private static final byte[] RECEIVED_AT_FIELD = ascii(",\"receivedAt\":");
    private static final byte[] TIMESTAMP_FIELD = ascii(",\"timestamp\":");
    private static final byte[] IP_MEMBER = ascii("\"ip\":");
    private static final byte[] NULL_VALUE = ascii("null");
    private static final byte[] EMPTY_OBJECT = ascii("{}");
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final ObjectMapper QUOTER = new ObjectMapper();
    /** {@code ,"channel":…,"sourceId":…} per source: sources are configuration, so this stays small. */
    private static final Map<AuthenticatedSource, byte[]> SOURCE_FIELDS = new ConcurrentHashMap<>();

    static {
        for (CallType t : CallType.values()) {
            TYPE_FIELD[t.ordinal()] = ascii(",\"type\":\"" + t.wire() + "\"");
        }
    }

    private final byte[] body;
    private final Batch batch;
    private final AuthenticatedSource source;
    private final Instant receivedAt;
    private final String clientIp;
    private final int maxEventBytes;
    private final int maxNestingDepth;
    private final ObjectMapper mapper;
    private final byte[] sourceFields;
    private final byte[] receivedAtValue;
    private byte[] out = new byte[1024];
    private int length;
    // the batch-level defaults as trees, read only when an item needs a merge
    private ObjectNode batchContext;
    private ObjectNode batchIntegrations;
    private Instant batchSentAt;

    /**
     * @param batch the scanned batch the events belong to (its context, integrations and sentAt
     *              apply to every item), or null for a single call
     * @param mapper reads a value of the body as a tree when an event needs the tree path's rules
     */
    CanonicalRecordWriter(byte[] body, Batch batch, AuthenticatedSource source, Instant receivedAt, String clientIp,
            int maxEventBytes, int maxNestingDepth, ObjectMapper mapper) {
        this.body = body;
        this.batch = batch;
        this.source = source;
        this.receivedAt = receivedAt;
        this.clientIp = clientIp;
        this.maxEventBytes = maxEventBytes;
        this.maxNestingDepth = maxNestingDepth;
        this.mapper = mapper;
        this.sourceFields = SOURCE_FIELDS.computeIfAbsent(source, s -> utf8(",\"channel\":"
                + quote(s.channel().wire()) + ",\"sourceId\":" + quote(s.id())));
        this.receivedAtValue = EventTime.formatQuoted(receivedAt.getEpochSecond(), receivedAt.getNano() / 1_000_000);
    }

    /**
     * The record of an event, or null when the tree path must decide (see the class comment).
     *
     * @param type the call type of a single call (from its path); null for a batch item, whose
     *             {@code type} field says it
     */
    PreparedTouchpoint write(Event e, CallType type) {
        try {
            return tryWrite(e, type);
        } catch (RuntimeException | IOException unexpected) {
            return null; // the tree path decides, and reports whatever this was
        }
    }

    private PreparedTouchpoint tryWrite(Event e, CallType pathType) throws IOException {
        if (!e.object || e.irregular || e.size() > maxEventBytes || !plainTypes(e)) {
            return null;
        }
        CallType type = pathType;
        if (type == null) {
            Value t = e.field(TYPE);
            if (t.kind != STRING) {
                return null;
            }
            type = CallType.fromWire(text(t)).orElse(null);
            if (type == null) {
                return null;
            }
        }

        // batch-level defaults: the item's own value wins; merging two objects is the tree path's job
        Value context = e.field(CONTEXT);
        Value integrations = e.field(INTEGRATIONS);
        Value sentAt = e.field(SENT_AT);
        if (batch != null) {
            if (batch.context.kind == OBJECT) {
                if (context.kind == OBJECT || batch.context.irregular) {
                    return null;
                }
                context = batch.context;
            }
            if (batch.integrations.kind == OBJECT) {
                if (integrations.kind == OBJECT || batch.integrations.irregular) {
                    return null;
                }
                integrations = batch.integrations;
            }
            if (sentAt.absentOrNull() && batch.sentAt.kind != ABSENT && batch.sentAt.kind != NULL) {
                if (batch.sentAt.kind != STRING) {
                    return null;
                }
                sentAt = batch.sentAt;
            }
        }
        int depth = 1 + Math.max(e.otherDepth, Math.max(objectDepth(context), objectDepth(integrations)));
        if (depth > maxNestingDepth) {
            return null;
        }

        // the rules of TouchpointNormaliser.normalise, in its order; any refusal goes the tree path
        String userId = blankToNull(e.field(USER_ID));
        String anonymousId = blankToNull(e.field(ANONYMOUS_ID));
        if (userId == null && anonymousId == null) {
            return null;
        }
        Value event = null;
        Value previousId = null;
        Value groupId = null;
        switch (type) {
            case TRACK -> {
                event = e.field(EVENT);
                if (blank(event)) {
                    return null;
                }
            }
            case PAGE, SCREEN -> event = blank(e.field(NAME)) ? null : e.field(NAME);
            case GROUP -> {
                groupId = e.field(GROUP_ID);
                if (blank(groupId)) {
                    return null;
                }
            }
            case ALIAS -> {
                previousId = e.field(PREVIOUS_ID);
                if (blank(previousId) || userId == null) {
                    return null;
                }
            }
            case IDENTIFY -> {
                // traits only
            }
        }
        String messageId = blankToNull(e.field(MESSAGE_ID));
        boolean generated = messageId == null;
        if (generated) {
            messageId = generatedMessageId();
        } else if (messageId.length() > TouchpointNormaliser.MAX_MESSAGE_ID_LENGTH) {
            return null;
        }
        Value timestamp = e.field(TIMESTAMP);
        if (timestamp.absentOrNull() && e.field(ORIGINAL_TIMESTAMP).kind == STRING) {
            timestamp = e.field(ORIGINAL_TIMESTAMP);
        }
        Instant original = timestamp.kind == STRING ? EventTime.parse(text(timestamp)) : null;
        Instant sent = sentAt.kind != STRING ? null : sentAt == batch().sentAt ? batchSentAt()
                : EventTime.parse(text(sentAt));
        Instant corrected = EventTime.corrected(receivedAt, original, sent);
        EventTime.requireInRange(corrected);

        length = 0;
        raw(SCHEMA_AND_MESSAGE_ID);
        if (generated) {
            quoted(messageId);
        } else {
            token(e.field(MESSAGE_ID));
        }
        raw(TYPE_FIELD[type.ordinal()]);
        raw(EVENT_FIELD);
        token(event);
        raw(sourceFields);
        raw(USER_ID_FIELD);
        token(userId == null ? null : e.field(USER_ID));
        raw(ANONYMOUS_ID_FIELD);
        token(anonymousId == null ? null : e.field(ANONYMOUS_ID));
        raw(PREVIOUS_ID_FIELD);
        token(previousId);
        raw(GROUP_ID_FIELD);
        token(groupId);
        raw(TRAITS_FIELD);
        object(e.field(TRAITS));
        raw(PROPERTIES_FIELD);
        object(e.field(PROPERTIES));
        raw(CONTEXT_FIELD);
        if (!context(context)) {
            return null;
        }
        raw(INTEGRATIONS_FIELD);
        object(integrations);
        raw(ORIGINAL_TIMESTAMP_FIELD);
        instant(original, ORIGINAL);
        raw(SENT_AT_FIELD);
        instant(sent, SENT);
        raw(RECEIVED_AT_FIELD);
        raw(receivedAtValue);
        raw(TIMESTAMP_FIELD);
        instant(corrected, CORRECTED);
        out(b('}'));
        return new PreparedTouchpoint(messageId, generated, type, userId != null ? userId : anonymousId,
                Arrays.copyOf(out, length));
    }

    /** Text fields are strings (or null), object fields objects (or null): other types are the tree path's. */
    private static boolean plainTypes(Event e) {
        for (int i = 0; i < SegmentScanner.FIELDS; i++) {
            Value v = e.fields[i];
            if (v == null || v.kind == NULL) {
                continue;
            }
            boolean objectField = i == PROPERTIES || i == CONTEXT || i == TRAITS || i == INTEGRATIONS;
            if (v.kind != (objectField ? OBJECT : STRING)) {
                return false;
            }
        }
        return true;
    }

    private static int objectDepth(Value v) {
        return v.kind == OBJECT ? v.depth : 0;
    }

    private Batch batch() {
        return batch != null ? batch : NO_BATCH;
    }

    private static final Batch NO_BATCH = new Batch();

    /** The batch-level sentAt, parsed once per request. */
    private Instant batchSentAt() {
        if (batchSentAt == null) {
            batchSentAt = EventTime.parse(text(batch.sentAt));
        }
        return batchSentAt;
    }

    /**
     * {@code context} with the client address, as {@link TouchpointNormaliser#withClientIp} does it:
     * copied when it has a usable {@code ip} (or there is no address to add), the address appended
     * when it has none; false when the IP must be replaced or anonymised (the tree path does that).
     */
    private boolean context(Value context) {
        if (source.anonymiseIp()) {
            return false;
        }
        if (context.kind != OBJECT) {
            if (clientIp == null) {
                raw(EMPTY_OBJECT);
            } else {
                out(b('{'));
                raw(IP_MEMBER);
                raw(clientIpValue());
                out(b('}'));
            }
            return true;
        }
        if (context.ip != null) {
            if (context.ip.kind != STRING || text(context.ip).isBlank()) {
                return false;
            }
            object(context);
            return true;
        }
        if (clientIp == null) {
            object(context);
            return true;
        }
        if (context.members == 0) {
            out(b('{'));
        } else {
            // without its closing brace
            if ((context.flags & SPACED) != 0) {
                compact(context.start, context.end - 1);
            } else {
                raw(body, context.start, context.end - 1);
            }
            out(b(','));
        }
        raw(IP_MEMBER);
        raw(clientIpValue());
        out(b('}'));
        return true;
    }

    /** The client address as a JSON string, written once per request. */
    private byte[] clientIpValue() {
        if (clientIpValue == null) {
            int mark = length;
            quoted(clientIp);
            clientIpValue = Arrays.copyOfRange(out, mark, length);
            length = mark;
        }
        return clientIpValue;
    }

    private byte[] clientIpValue;

    /** The item as a tree with the batch-level defaults merged in: what the tree path reads. */
    JsonNode tree(Event e) throws IOException {
        JsonNode item = mapper.readTree(body, e.start, e.end - e.start);
        if (batch != null && item instanceof ObjectNode object) {
            TouchpointNormaliser.mergeBatchDefaults(object, node(batch.context), node(batch.integrations),
                    node(batch.sentAt));
        }
        return item;
    }

    private JsonNode node(Value v) throws IOException {
        return v.kind == ABSENT ? null : mapper.readTree(body, v.start, v.end - v.start);
    }

    private String text(Value v) {
        return SegmentScanner.text(body, v);
    }

    private String blankToNull(Value v) {
        if (v.kind != STRING) {
            return null;
        }
        String s = text(v);
        return s.isBlank() ? null : s;
    }

    private boolean blank(Value v) {
        if (v.kind != STRING) {
            return true;
        }
        if ((v.flags & SegmentScanner.ENCODED) != 0) {
            return text(v).isBlank();
        }
        for (int i = v.start + 1; i < v.end - 1; i++) {
            if (body[i] != ' ') {
                return false; // raw ASCII: no other whitespace can appear unescaped
            }
        }
        return true;
    }

    /** A string value as the client wrote it (quotes included), or null. */
    private void token(Value v) {
        if (v == null || v.kind != STRING) {
            raw(NULL_VALUE);
        } else {
            raw(body, v.start, v.end);
        }
    }

    private void object(Value v) {
        if (v.kind != OBJECT) {
            raw(NULL_VALUE);
        } else if ((v.flags & SPACED) != 0) {
            compact(v.start, v.end);
        } else {
            raw(body, v.start, v.end);
        }
    }

    /** The roles of the timestamps of a record: each remembers its last value (batch events often share them). */
    private static final int ORIGINAL = 0;
    private static final int SENT = 1;
    private static final int CORRECTED = 2;
    private final long[] lastSecond = { Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE };
    private final int[] lastMillis = new int[3];
    private final byte[][] lastInstant = new byte[3][];

    /** An instant as {@link EventTime#format} writes it, straight into the record. */
    private void instant(Instant instant, int role) {
        if (instant == null) {
            raw(NULL_VALUE);
            return;
        }
        long second = instant.getEpochSecond();
        int millis = instant.getNano() / 1_000_000;
        if (second != lastSecond[role] || millis != lastMillis[role]) {
            lastSecond[role] = second;
            lastMillis[role] = millis;
            lastInstant[role] = EventTime.formatQuoted(second, millis);
        }
        raw(lastInstant[role]);
    }

    /**
     * A new random messageId for an event that has none: a version-4 UUID. One random draw per
     * request, numbered per event (the number is XORed into the low bits): SecureRandom per event was
     * a visible cost, and ids stay unique (122 random bits per request).
     */
    private String generatedMessageId() {
        if (generatedIds < 0) {
            UUID base = UUID.randomUUID();
            idHigh = base.getMostSignificantBits();
            idLow = base.getLeastSignificantBits();
            generatedIds = 0;
        }
        return new UUID(idHigh, idLow ^ generatedIds++).toString();
    }

    private long idHigh;
    private long idLow;
    private int generatedIds = -1;

    /** Copies JSON from the body without the whitespace between tokens (strings are kept whole). */
    private void compact(int from, int to) {
        ensure(to - from);
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte c = body[i];
            if (inString) {
                out[length++] = c;
                if (c == '\\') {
                    out[length++] = body[++i];
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                out[length++] = c;
                inString = c == '"';
            }
        }
    }

    /** A string escaped as Jackson escapes it. */
    private void quoted(String s) {
        ensure(s.length() * 6 + 2);
        out[length++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[length++] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                out[length++] = (byte) (0xC0 | (c >> 6));
                out[length++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[length++] = (byte) (0xF0 | (cp >> 18));
                out[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[length++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                escape(c);
            } else {
                out[length++] = (byte) (0xE0 | (c >> 12));
                out[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[length++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out[length++] = '"';
    }

    private void escape(char c) {
        out[length++] = '\\';
        switch (c) {
            case '"' -> out[length++] = '"';
            case '\\' -> out[length++] = '\\';
            case '\b' -> out[length++] = 'b';
            case '\t' -> out[length++] = 't';
            case '\n' -> out[length++] = 'n';
            case '\f' -> out[length++] = 'f';
            case '\r' -> out[length++] = 'r';
            default -> {
                out[length++] = 'u';
                out[length++] = HEX[(c >> 12) & 0xF];
                out[length++] = HEX[(c >> 8) & 0xF];
                out[length++] = HEX[(c >> 4) & 0xF];
                out[length++] = HEX[c & 0xF];
            }
        }
    }

    private void raw(byte[] bytes) {
        raw(bytes, 0, bytes.length);
    }

    private void raw(byte[] bytes, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(bytes, from, out, length, n);
        length += n;
    }

    private void out(byte c) {
        ensure(1);
        out[length++] = c;
    }

    private void ensure(int more) {
        if (length + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }

    private static byte b(char c) {
        return (byte) c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        try {
            return QUOTER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
