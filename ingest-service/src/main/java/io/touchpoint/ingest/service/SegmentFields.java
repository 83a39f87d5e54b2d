package io.touchpoint.ingest.service;

import com.fasterxml.jackson.core.JsonToken;

/**
 * The top-level fields of one Segment call (a single call's body or one item of a batch) as
 * {@link SegmentReader} read them: per field its JSON token, the text of a scalar as Jackson's tree
 * gives it, and an object as a {@link JsonPart}. What they mean and whether they are acceptable is
 * {@link TouchpointNormaliser}'s to say.
 */
public final class SegmentFields {

    /** The fields the rules read, in the order their JSON types are checked. */
    public enum Field {
        TYPE("type"), WRITE_KEY("writeKey"), USER_ID("userId"), ANONYMOUS_ID("anonymousId"), EVENT("event"),
        NAME("name"), GROUP_ID("groupId"), PREVIOUS_ID("previousId"), PROPERTIES("properties", true),
        CONTEXT("context", true), TRAITS("traits", true), TIMESTAMP("timestamp"),
        ORIGINAL_TIMESTAMP("originalTimestamp"), SENT_AT("sentAt"), MESSAGE_ID("messageId"),
        INTEGRATIONS("integrations", true);

        private static final Field[] ALL = values();

        final String wire;
        /** true: the field takes a JSON object; false: a string (numbers and booleans as their text) */
        final boolean object;

        Field(String wire) {
            this(wire, false);
        }

        Field(String wire, boolean object) {
            this.wire = wire;
            this.object = object;
        }

        /** The field of a top-level member name; null for a member the rules do not read. */
        static Field of(String name) {
            return switch (name) {
                case "type" -> TYPE;
                case "writeKey" -> WRITE_KEY;
                case "userId" -> USER_ID;
                case "anonymousId" -> ANONYMOUS_ID;
                case "event" -> EVENT;
                case "name" -> NAME;
                case "groupId" -> GROUP_ID;
                case "previousId" -> PREVIOUS_ID;
                case "properties" -> PROPERTIES;
                case "context" -> CONTEXT;
                case "traits" -> TRAITS;
                case "timestamp" -> TIMESTAMP;
                case "originalTimestamp" -> ORIGINAL_TIMESTAMP;
                case "sentAt" -> SENT_AT;
                case "messageId" -> MESSAGE_ID;
                case "integrations" -> INTEGRATIONS;
                default -> null;
            };
        }

        static Field[] all() {
            return ALL;
        }
    }

    final byte[] body;
    /** Where the value lies in the body: {@code body[start, end)}; its size as sent is {@code end - start}. */
    int start;
    int end;
    /** The value's own token: {@code START_OBJECT} for a call; a batch item may be anything. */
    JsonToken kind;
    /** Nesting depth of the value as Jackson counts it (an object or array is one level). */
    int depth;
    /** Deepest nesting among the members the rules do not read (they count for the depth limit only). */
    int otherDepth;

    private static final JsonToken[] TOKENS = JsonToken.values();
    // per field: its token's ordinal + 1 (0: absent), its text or part, its depth
    private final byte[] kinds = new byte[Field.ALL.length];
    private final Object[] values = new Object[Field.ALL.length];
    private final short[] depths = new short[Field.ALL.length];

    SegmentFields(byte[] body) {
        this.body = body;
    }

    /** The token of a field's value; null when the field is absent. */
    public JsonToken kind(Field f) {
        int k = kinds[f.ordinal()];
        return k == 0 ? null : TOKENS[k - 1];
    }

    /** The field holds a value other than JSON null. */
    public boolean present(Field f) {
        JsonToken k = kind(f);
        return k != null && k != JsonToken.VALUE_NULL;
    }

    /** The text of a scalar field (null for absent, null, objects and arrays). */
    public String text(Field f) {
        return values[f.ordinal()] instanceof String s ? s : null;
    }

    /** The value of an object field (null unless it is a JSON object). */
    public JsonPart part(Field f) {
        return values[f.ordinal()] instanceof JsonPart p ? p : null;
    }

    int depth(Field f) {
        return depths[f.ordinal()];
    }

    void scalar(Field f, JsonToken kind, String text) {
        kinds[f.ordinal()] = (byte) (kind.ordinal() + 1);
        values[f.ordinal()] = text;
        depths[f.ordinal()] = 0;
    }

    void container(Field f, JsonToken kind, JsonPart part, int depth) {
        kinds[f.ordinal()] = (byte) (kind.ordinal() + 1);
        values[f.ordinal()] = part;
        depths[f.ordinal()] = (short) depth;
    }

    /** Copies another call's field here (a batch-level default taken by an item). */
    void copy(Field f, SegmentFields from) {
        int i = f.ordinal();
        kinds[i] = from.kinds[i];
        values[i] = from.values[i];
        depths[i] = from.depths[i];
    }

    /** Nesting depth of this call as sent, with what was merged into it. */
    int currentDepth() {
        int deepest = otherDepth;
        for (int d : depths) {
            deepest = Math.max(deepest, d);
        }
        return deepest + 1;
    }
}
