package io.touchpoint.ingest.service;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;

/**
 * Turns the bytes of a Segment call into a canonical {@link Touchpoint}, or says precisely why it
 * cannot ({@link EventRejectedException}). Pure: no I/O, no clock, so every rule is unit-testable.
 */
public final class TouchpointNormaliser {

    private static final String EMPTY_BODY = "the request body is empty; send one JSON object";

    static final int MAX_MESSAGE_ID_LENGTH = 256;
    private static final int MAX_ECHO = 64;
    private static final JsonFactory SCANNER = new JsonFactory();
    private static final Pattern WRITE_KEY_FIELD = Pattern.compile("(\"writeKey\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"?");

    private final ObjectMapper mapper;
    // A batch is read with room for items deeper than allowed, so each one is refused by its index.
    private final ObjectMapper batchMapper;
    // reads one value of a batch in the middle of the stream: more tokens follow by design
    private final com.fasterxml.jackson.databind.ObjectReader batchValueReader;
    private final int maxNestingDepth;

    public TouchpointNormaliser(int maxNestingDepth) {
        this.maxNestingDepth = maxNestingDepth;
        this.mapper = mapper(maxNestingDepth);
        this.batchMapper = mapper(batchNestingLimit());
        this.batchValueReader = batchMapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static ObjectMapper mapper(int maxNestingDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
                // a key given twice is ambiguous (which userId is it?): refuse rather than guess
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public int maxNestingDepth() {
        return maxNestingDepth;
    }

    /** The mapper of batch bodies: room for items nested deeper than allowed, so each is refused by index. */
    ObjectMapper batchMapper() {
        return batchMapper;
    }

    /** The deepest nesting the tree reader of batch bodies allows (the scanner uses the same). */
    int batchNestingLimit() {
        return 2 * maxNestingDepth + 2;
    }

    /** The mapper that writes records: nulls kept, property order as declared. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses the body; it must be one JSON object. */
    public ObjectNode parse(byte[] body) {
        return parse(mapper, body);
    }

    /** Parses a batch body, whose items are checked for depth one by one ({@link #depth}). */
    public ObjectNode parseBatch(byte[] body) {
        return parseBatchWithSizes(body).body();
    }

    /** A batch body and, per item of its {@code batch} array, the item's size in bytes as sent. */
    public record ParsedBatch(ObjectNode body, int[] itemSizes) {
    }

    /**
     * Parses a batch body in one streaming pass that also measures every item of {@code batch} by
     * its byte offsets, so the 32 KB-per-event rule needs no second serialization of each item.
     */
    public ParsedBatch parseBatchWithSizes(byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        try (JsonParser p = batchMapper.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new EventRejectedException(RejectionReason.INVALID_JSON, first == null
                        ? EMPTY_BODY : "the body must be a JSON object; send one JSON object");
            }
            ObjectNode root = batchMapper.createObjectNode();
            int[] sizes = new int[0];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("batch".equals(name) && value == JsonToken.START_ARRAY) {
                    var items = root.putArray("batch");
                    int[] measured = new int[16];
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        long start = p.currentTokenLocation().getByteOffset();
                        items.add((JsonNode) batchValueReader.readTree(p));
                        if (n == measured.length) {
                            measured = java.util.Arrays.copyOf(measured, n * 2);
                        }
                        measured[n++] = (int) (p.currentLocation().getByteOffset() - start);
                    }
                    sizes = java.util.Arrays.copyOf(measured, n);
                } else {
                    root.set(name, batchValueReader.readTree(p));
                }
            }
            if (p.nextToken() != null) {
                throw new EventRejectedException(RejectionReason.INVALID_JSON, "trailing content after the JSON object; send exactly one JSON object");
            }
            return new ParsedBatch(root, sizes);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Why a body could not be read: too deep, malformed (with where), or unreadable. */
    private static EventRejectedException unreadable(IOException e) {
        if (e instanceof StreamConstraintsException deep) {
            return new EventRejectedException(RejectionReason.TOO_DEEP, "the event is nested too deeply: "
                    + deep.getOriginalMessage());
        }
        if (e instanceof JsonProcessingException malformed) {
            return new EventRejectedException(RejectionReason.INVALID_JSON, describe(malformed));
        }
        return new EventRejectedException(RejectionReason.INVALID_JSON,
                "the body could not be read as JSON; send one JSON object in UTF-8");
    }

    private static ObjectNode parse(ObjectMapper mapper, byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON,
                    "the body must be a JSON object, not " + tree.getNodeType().name().toLowerCase()
                            + "; send one JSON object");
        }
        return object;
    }

    /**
     * Reads the Segment fields, naming the field whose JSON type is wrong. By hand rather than
     * {@code treeToValue}: it ran once per event and cost more than the parse. Same rules as Jackson's
     * binding: text fields take strings, and numbers or booleans as their text; object fields take
     * objects; null is absent; unknown fields are ignored.
     */
    public SegmentCall bind(ObjectNode body) {
        return new SegmentCall(text(body, "type"), text(body, "writeKey"), text(body, "userId"),
                text(body, "anonymousId"), text(body, "event"), text(body, "name"), text(body, "groupId"),
                text(body, "previousId"), object(body, "properties"), object(body, "context"), object(body, "traits"),
                text(body, "timestamp"), text(body, "originalTimestamp"), text(body, "sentAt"),
                text(body, "messageId"), object(body, "integrations"));
    }

    private static String text(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        throw new EventRejectedException(RejectionReason.INVALID_FIELD, "'" + field + "' must be a string");
    }

    private static ObjectNode object(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value instanceof ObjectNode object) {
            return object;
        }
        throw new EventRejectedException(RejectionReason.INVALID_FIELD, "'" + field + "' must be a JSON object");
    }

    /**
     * The canonical record. {@code receivedAt} is the server clock at arrival; {@code clientIp} fills
     * {@code context.ip} when the client did not send one.
     */
    public Touchpoint normalise(CallType type, SegmentCall call, AuthenticatedSource source, Instant receivedAt,
            String clientIp) {
        String userId = blankToNull(call.userId());
        String anonymousId = blankToNull(call.anonymousId());
        if (userId == null && anonymousId == null) {
            throw new EventRejectedException(RejectionReason.MISSING_IDENTITY,
                    "'userId' or 'anonymousId' is required and must not be blank");
        }
        String event = null;
        String previousId = null;
        String groupId = null;
        switch (type) {
            case TRACK -> {
                event = blankToNull(call.event());
                if (event == null) {
                    throw new EventRejectedException(RejectionReason.MISSING_EVENT,
                            "a track call needs a non-blank 'event'");
                }
            }
            // page and screen carry their name where a track carries its event (null when unnamed)
            case PAGE, SCREEN -> event = blankToNull(call.name());
            case GROUP -> {
                groupId = blankToNull(call.groupId());
                if (groupId == null) {
                    throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                            "a group call needs a non-blank 'groupId'");
                }
            }
            case ALIAS -> {
                previousId = blankToNull(call.previousId());
                if (previousId == null || userId == null) {
                    throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                            "an alias call needs a non-blank 'previousId' and 'userId'");
                }
            }
            case IDENTIFY -> {
                // traits only
            }
        }
        String messageId = blankToNull(call.messageId());
        if (messageId == null) {
            messageId = UUID.randomUUID().toString();
        } else if (messageId.length() > MAX_MESSAGE_ID_LENGTH) {
            throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                    "'messageId' is longer than " + MAX_MESSAGE_ID_LENGTH + " characters");
        }

        boolean aliasUsed = call.timestamp() == null && call.originalTimestamp() != null;
        Instant original = timestamp(aliasUsed ? "originalTimestamp" : "timestamp",
                aliasUsed ? call.originalTimestamp() : call.timestamp());
        Instant sentAt = timestamp("sentAt", call.sentAt());
        Instant corrected = EventTime.corrected(receivedAt, original, sentAt);
        try {
            EventTime.requireInRange(corrected);
        } catch (DateTimeException e) {
            throw new EventRejectedException(RejectionReason.INVALID_TIMESTAMP,
                    "'sentAt' and 'timestamp' are too far apart to correct the event time");
        }

        ObjectNode context = call.context() == null ? mapper.createObjectNode() : call.context().deepCopy();
        withClientIp(context, clientIp, source.anonymiseIp());

        return new Touchpoint(Touchpoint.SCHEMA_VERSION, messageId, type, event, source.channel(), source.id(),
                userId, anonymousId, previousId, groupId, call.traits(), call.properties(), context,
                call.integrations(), EventTime.format(original), EventTime.format(sentAt),
                EventTime.format(receivedAt), EventTime.format(corrected));
    }

    /**
     * {@code context.ip}: the client's own when it sent a non-blank one, else the request's address;
     * anonymised when the source asks for it.
     */
    static void withClientIp(ObjectNode context, String clientIp, boolean anonymise) {
        JsonNode ip = context.get("ip");
        if ((ip == null || ip.isNull() || ip.asText().isBlank()) && clientIp != null) {
            context.put("ip", clientIp);
        }
        if (anonymise && context.hasNonNull("ip")) {
            context.put("ip", ClientAddress.anonymise(context.get("ip").asText()));
        }
    }

    /**
     * One item of a batch (its batch defaults merged in) as a touchpoint; {@code size} is the item's
     * size as the client sent it, before the merge.
     */
    public Touchpoint batchItem(JsonNode item, int size, int maxEventBytes, AuthenticatedSource source,
            Instant receivedAt, String clientIp) {
        if (!(item instanceof ObjectNode object)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "a batch item must be a JSON object");
        }
        // the item as the client sent it, before the batch context was merged in
        if (size > maxEventBytes) {
            throw new EventRejectedException(RejectionReason.TOO_LARGE, "the event is " + size
                    + " bytes; a single event may have at most " + maxEventBytes + " bytes");
        }
        if (depth(object) > maxNestingDepth) {
            throw new EventRejectedException(RejectionReason.TOO_DEEP,
                    "the event is nested deeper than " + maxNestingDepth + " levels");
        }
        JsonNode typeNode = object.get("type");
        Optional<CallType> type = typeNode != null && typeNode.isTextual() ? CallType.fromWire(typeNode.asText())
                : Optional.empty();
        if (type.isEmpty()) {
            throw new EventRejectedException(RejectionReason.UNKNOWN_TYPE, "'type' must be one of track, identify, "
                    + "page, screen, group, alias");
        }
        return normalise(type.get(), bind(object), source, receivedAt, clientIp);
    }

    /**
     * The items of a Segment batch ({@code /v1/batch}, {@code /v1/import}) with the batch-level
     * {@code context}, {@code integrations} and {@code sentAt} merged in (the item's own values win).
     *
     * @throws EventRejectedException when the body has no {@code batch} array: nothing of it is usable
     */
    public List<JsonNode> batchItems(ObjectNode body) {
        JsonNode batch = body.get("batch");
        if (batch == null || !batch.isArray() || batch.isEmpty()) {
            throw new EventRejectedException(RejectionReason.INVALID_FIELD, "'batch' must be a non-empty array");
        }
        JsonNode context = body.get("context");
        JsonNode integrations = body.get("integrations");
        JsonNode sentAt = body.get("sentAt");
        List<JsonNode> items = new ArrayList<>(batch.size());
        for (JsonNode item : batch) {
            if (item instanceof ObjectNode object) {
                mergeBatchDefaults(object, context, integrations, sentAt);
            }
            items.add(item);
        }
        return items;
    }

    /** Merges a batch's {@code context}, {@code integrations} and {@code sentAt} into one item (the item's own values win). */
    static void mergeBatchDefaults(ObjectNode item, JsonNode context, JsonNode integrations, JsonNode sentAt) {
        mergeInto(item, "context", context);
        mergeInto(item, "integrations", integrations);
        if (sentAt != null && !sentAt.isNull() && !item.hasNonNull("sentAt")) {
            item.set("sentAt", sentAt);
        }
    }

    /** Deepest nesting of a JSON tree (an object or array counts one level), as Jackson counts it. */
    public static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    private static void mergeInto(ObjectNode item, String field, JsonNode batchLevel) {
        if (!(batchLevel instanceof ObjectNode defaults)) {
            return;
        }
        JsonNode own = item.get(field);
        if (own == null || own.isNull()) {
            item.set(field, defaults.deepCopy());
        } else if (own instanceof ObjectNode ownObject) {
            item.set(field, merged(defaults, ownObject));
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

    /**
     * The top-level {@code writeKey} of a body, found by a streaming scan that stops as soon as it is
     * seen, so it works on bodies that are too large or broken further on.
     */
    public static Optional<String> writeKeyIn(byte[] body) {
        try (JsonParser p = SCANNER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("writeKey".equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(p.getText());
                }
                p.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The raw payload with any {@code writeKey} value blanked: rejected records are read by operators. */
    public static String redactWriteKey(String payload) {
        return WRITE_KEY_FIELD.matcher(payload).replaceAll("$1\"[redacted]\"");
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() != null ? e.getOriginalMessage() : "malformed JSON";
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            message += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return message;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String echo(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "…";
    }
}
