package io.touchpoint.ingest.service;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.service.SegmentFields.Field;
import io.touchpoint.ingest.service.SegmentReader.Batch;

/**
 * The Segment rules, once: turns the fields of a call or of a batch's items ({@link SegmentReader})
 * into canonical {@link Touchpoint}s, or says precisely why it cannot ({@link EventRejectedException}).
 * Pure: no I/O, no clock, so every rule is unit-testable.
 */
public final class TouchpointNormaliser {

    static final int MAX_MESSAGE_ID_LENGTH = 256;
    private static final int MAX_ECHO = 64;
    private static final Pattern WRITE_KEY_FIELD = Pattern.compile("(\"writeKey\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"?");
    private static final JsonPart EMPTY_CONTEXT = JsonPart.of(JsonNodeFactory.instance.objectNode());

    private final SegmentReader reader;
    private final int maxNestingDepth;
    private final int maxEventBytes;

    /**
     * @param maxNestingDepth how deep an event may nest (an object or array is one level)
     * @param maxEventBytes   how large one event may be, as sent
     */
    public TouchpointNormaliser(int maxNestingDepth, int maxEventBytes) {
        this.reader = new SegmentReader(maxNestingDepth);
        this.maxNestingDepth = maxNestingDepth;
        this.maxEventBytes = maxEventBytes;
    }

    /** Reads webhook bodies. */
    public SegmentReader reader() {
        return reader;
    }

    /** A single call ({@code /v1/track}, …): its type comes from the path. */
    public Touchpoint call(CallType type, byte[] body, Arrival arrival) {
        if (body.length > maxEventBytes) {
            throw tooLarge(body.length);
        }
        return normalise(type, reader.readCall(body), arrival);
    }

    /** An item of a batch that cannot be accepted: its index, why, and the item as it was sent. */
    public record Refusal(int index, String typeTag, EventRejectedException rejection, byte[] payload) {
    }

    /** What a batch yields: the touchpoints of its valid items, in order, and the refused items. */
    public record BatchItems(List<Touchpoint> accepted, List<Refusal> refused) {
    }

    /**
     * A Segment batch ({@code /v1/batch}, {@code /v1/import}): the batch-level {@code context},
     * {@code integrations} and {@code sentAt} apply to every item (the item's own values win), and
     * each item is accepted or refused by its index.
     *
     * @throws EventRejectedException when the body is unreadable or has no {@code batch} array: nothing of it is usable
     */
    public BatchItems batch(byte[] body, Arrival arrival) {
        Batch batch = reader.readBatch(body);
        if (batch.batchKind() != JsonToken.START_ARRAY || batch.items().isEmpty()) {
            throw new EventRejectedException(RejectionReason.INVALID_FIELD, "'batch' must be a non-empty array");
        }
        List<Touchpoint> accepted = new ArrayList<>(batch.items().size());
        List<Refusal> refused = new ArrayList<>(0);
        for (int i = 0; i < batch.items().size(); i++) {
            SegmentFields item = batch.items().get(i);
            try {
                accepted.add(batchItem(item, batch.defaults(), arrival));
            } catch (EventRejectedException rejection) {
                String typeTag = item.kind == JsonToken.START_OBJECT && item.text(Field.TYPE) != null
                        ? CallType.fromWire(item.text(Field.TYPE)).map(CallType::wire).orElse("unknown") : "unknown";
                refused.add(new Refusal(i, typeTag, rejection,
                        java.util.Arrays.copyOfRange(item.body, item.start, item.end)));
            }
        }
        return new BatchItems(accepted, refused);
    }

    private Touchpoint batchItem(SegmentFields item, SegmentFields defaults, Arrival arrival) {
        if (item.kind != JsonToken.START_OBJECT) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "a batch item must be a JSON object");
        }
        mergeBatchDefaults(item, defaults);
        // the item as the client sent it, before the batch context was merged in
        int size = item.end - item.start;
        if (size > maxEventBytes) {
            throw tooLarge(size);
        }
        if (item.currentDepth() > maxNestingDepth) {
            throw new EventRejectedException(RejectionReason.TOO_DEEP,
                    "the event is nested deeper than " + maxNestingDepth + " levels");
        }
        Optional<CallType> type = item.kind(Field.TYPE) == JsonToken.VALUE_STRING
                ? CallType.fromWire(item.text(Field.TYPE)) : Optional.empty();
        if (type.isEmpty()) {
            throw new EventRejectedException(RejectionReason.UNKNOWN_TYPE, "'type' must be one of track, identify, "
                    + "page, screen, group, alias");
        }
        return normalise(type.get(), item, arrival);
    }

    /** Merges a batch's {@code context}, {@code integrations} and {@code sentAt} into one item (the item's own values win). */
    static void mergeBatchDefaults(SegmentFields item, SegmentFields defaults) {
        mergeInto(item, defaults, Field.CONTEXT);
        mergeInto(item, defaults, Field.INTEGRATIONS);
        if (defaults.present(Field.SENT_AT) && !item.present(Field.SENT_AT)) {
            item.copy(Field.SENT_AT, defaults);
        }
    }

    private static void mergeInto(SegmentFields item, SegmentFields defaults, Field field) {
        if (defaults.kind(field) != JsonToken.START_OBJECT) {
            return;
        }
        if (!item.present(field)) {
            item.copy(field, defaults);
        } else if (item.kind(field) == JsonToken.START_OBJECT) {
            ObjectNode merged = merged(defaults.part(field).tree(), item.part(field).tree());
            item.container(field, JsonToken.START_OBJECT, JsonPart.of(merged), depth(merged));
        }
    }

    /** {@code defaults} overlaid with {@code own}; nested objects merge, everything else of {@code own} wins. */
    static ObjectNode merged(ObjectNode defaults, ObjectNode own) {
        ObjectNode result = defaults.deepCopy();
        own.fields().forEachRemaining(e -> {
            JsonNode base = result.get(e.getKey());
            if (base instanceof ObjectNode baseObject && e.getValue() instanceof ObjectNode ownObject) {
                result.set(e.getKey(), merged(baseObject, ownObject));
            } else {
                result.set(e.getKey(), e.getValue());
            }
        });
        return result;
    }

    /** Deepest nesting of a JSON tree (an object or array counts one level), as Jackson counts it. */
    static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    /**
     * The canonical record of a call. Text fields take strings (numbers and booleans as their text),
     * object fields take objects, null is absent, unknown fields are ignored; {@code receivedAt} is
     * the server clock at arrival, and the request's address fills {@code context.ip} when the client
     * did not send one.
     */
    Touchpoint normalise(CallType type, SegmentFields call, Arrival arrival) {
        for (Field f : Field.all()) {
            if (call.present(f) && (f.object ? call.kind(f) != JsonToken.START_OBJECT : call.kind(f).isStructStart())) {
                throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                        "'" + f.wire + "' must be " + (f.object ? "a JSON object" : "a string"));
            }
        }
        String userId = blankToNull(call.text(Field.USER_ID));
        String anonymousId = blankToNull(call.text(Field.ANONYMOUS_ID));
        if (userId == null && anonymousId == null) {
            throw new EventRejectedException(RejectionReason.MISSING_IDENTITY,
                    "'userId' or 'anonymousId' is required and must not be blank");
        }
        String event = null;
        String previousId = null;
        String groupId = null;
        switch (type) {
            case TRACK -> {
                event = blankToNull(call.text(Field.EVENT));
                if (event == null) {
                    throw new EventRejectedException(RejectionReason.MISSING_EVENT,
                            "a track call needs a non-blank 'event'");
                }
            }
            // page and screen carry their name where a track carries its event (null when unnamed)
            case PAGE, SCREEN -> event = blankToNull(call.text(Field.NAME));
            case GROUP -> {
                groupId = blankToNull(call.text(Field.GROUP_ID));
                if (groupId == null) {
                    throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                            "a group call needs a non-blank 'groupId'");
                }
            }
            case ALIAS -> {
                previousId = blankToNull(call.text(Field.PREVIOUS_ID));
                if (previousId == null || userId == null) {
                    throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                            "an alias call needs a non-blank 'previousId' and 'userId'");
                }
            }
            case IDENTIFY -> {
                // traits only
            }
        }
        String messageId = blankToNull(call.text(Field.MESSAGE_ID));
        boolean generated = messageId == null;
        if (generated) {
            messageId = arrival.newMessageId();
        } else if (messageId.length() > MAX_MESSAGE_ID_LENGTH) {
            throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                    "'messageId' is longer than " + MAX_MESSAGE_ID_LENGTH + " characters");
        }

        boolean aliasUsed = call.text(Field.TIMESTAMP) == null && call.text(Field.ORIGINAL_TIMESTAMP) != null;
        String originalText = call.text(aliasUsed ? Field.ORIGINAL_TIMESTAMP : Field.TIMESTAMP);
        Instant original = timestamp(aliasUsed ? "originalTimestamp" : "timestamp", originalText);
        String sentAtText = call.text(Field.SENT_AT);
        Instant sentAt = arrival.sentAt(sentAtText, text -> timestamp("sentAt", text));
        Instant receivedAt = arrival.receivedAt();
        Instant corrected = EventTime.corrected(receivedAt, original, sentAt);
        try {
            EventTime.requireInRange(corrected);
        } catch (DateTimeException e) {
            throw new EventRejectedException(RejectionReason.INVALID_TIMESTAMP,
                    "'sentAt' and 'timestamp' are too far apart to correct the event time");
        }

        var source = arrival.source();
        return new Touchpoint(Touchpoint.SCHEMA_VERSION, messageId, type, event, source.channel(), source.id(),
                userId, anonymousId, previousId, groupId, call.part(Field.TRAITS), call.part(Field.PROPERTIES),
                withClientIp(call.part(Field.CONTEXT), arrival),
                call.part(Field.INTEGRATIONS), EventTime.format(original, originalText), EventTime.format(sentAt, sentAtText),
                arrival.receivedAtText(), corrected == original ? EventTime.format(original, originalText)
                        : EventTime.format(corrected), generated);
    }

    /**
     * {@code context} (an empty object when the call had none) with {@code context.ip}: the client's
     * own when it sent a non-blank one, else the request's address; anonymised when the source asks
     * for it.
     */
    static JsonPart withClientIp(JsonPart context, Arrival arrival) {
        JsonPart result = context != null ? context : EMPTY_CONTEXT;
        String ip = result.ipText();
        boolean replaced = false;
        if ((ip == null || ip.isBlank()) && arrival.clientIp() != null) {
            ip = arrival.clientIp();
            replaced = true;
        }
        if (arrival.source().anonymiseIp() && ip != null) {
            ip = arrival.anonymised(ip);
            replaced = true;
        }
        return replaced ? result.withIp(arrival.ip(ip)) : result;
    }

    private EventRejectedException tooLarge(int size) {
        return new EventRejectedException(RejectionReason.TOO_LARGE, "the event is " + size
                + " bytes; a single event may have at most " + maxEventBytes + " bytes");
    }

    private static Instant timestamp(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return EventTime.parse(text);
        } catch (DateTimeException e) {
            throw new EventRejectedException(RejectionReason.INVALID_TIMESTAMP, "'" + field
                    + "' is not an ISO-8601 date-time with offset between years 1 and 9999: '" + echo(text) + "'");
        }
    }

    /** The raw payload with any {@code writeKey} value blanked: rejected records are read by operators. */
    public static String redactWriteKey(String payload) {
        return WRITE_KEY_FIELD.matcher(payload).replaceAll("$1\"[redacted]\"");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String echo(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "…";
    }
}
