package io.touchpoint.ingest.service;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
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
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;

/**
 * Turns the bytes of a Segment call into a canonical {@link Touchpoint}, or says precisely why it
 * cannot ({@link EventRejectedException}). Pure: no I/O, no clock, so every rule is unit-testable.
 */
public final class TouchpointNormaliser {

    static final int MAX_MESSAGE_ID_LENGTH = 256;
    private static final int MAX_ECHO = 64;
    private static final JsonFactory SCANNER = new JsonFactory();
    private static final Pattern WRITE_KEY_FIELD = Pattern.compile("(\"writeKey\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"?");

    private final ObjectMapper mapper;

    public TouchpointNormaliser(int maxNestingDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
                // a key given twice is ambiguous (which userId is it?): refuse rather than guess
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** The mapper that writes records: nulls kept, property order as declared. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses the body; it must be one JSON object. */
    public ObjectNode parse(byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the request body is empty");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new EventRejectedException(RejectionReason.TOO_DEEP, "the event is nested too deeply: "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, describe(e));
        } catch (IOException e) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the body could not be read as JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the request body is empty");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON,
                    "the body must be a JSON object, not " + tree.getNodeType().name().toLowerCase());
        }
        return object;
    }

    /** Reads the Segment fields, naming the field whose JSON type is wrong. */
    public SegmentCall bind(ObjectNode body) {
        try {
            return mapper.treeToValue(body, SegmentCall.class);
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(0).getFieldName();
            Class<?> target = e.getTargetType();
            String expected = target != null && ObjectNode.class.isAssignableFrom(target) ? "a JSON object"
                    : "a string";
            throw new EventRejectedException(RejectionReason.INVALID_FIELD,
                    "'" + field + "' must be " + expected);
        } catch (JsonProcessingException e) {
            throw new EventRejectedException(RejectionReason.INVALID_FIELD, describe(e));
        }
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
        if (type == CallType.TRACK) {
            event = blankToNull(call.event());
            if (event == null) {
                throw new EventRejectedException(RejectionReason.MISSING_EVENT,
                        "a track call needs a non-blank 'event'");
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
        JsonNode ip = context.get("ip");
        if ((ip == null || ip.isNull() || ip.asText().isBlank()) && clientIp != null) {
            context.put("ip", clientIp);
        }

        return new Touchpoint(Touchpoint.SCHEMA_VERSION, messageId, type, event, source.channel(), source.id(),
                userId, anonymousId, null, null, call.traits(), call.properties(), context,
                EventTime.format(original), EventTime.format(sentAt), EventTime.format(receivedAt),
                EventTime.format(corrected));
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
