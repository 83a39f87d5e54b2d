package io.touchpoint.journey.service;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses a {@code touchpoints.v1} record value. Checks what the journey depends on (the contract's
 * required fields, types and channels) and tolerates fields it does not know, so a producer can add
 * optional fields without breaking this consumer.
 */
public final class TouchpointParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = StageModel.ALL_TYPES;
    private static final Set<String> CHANNELS = StageModel.CHANNELS;

    private TouchpointParser() {
    }

    public static TouchpointEvent parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidTouchpointException("empty record value");
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidTouchpointException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidTouchpointException("not readable: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTouchpointException("not a JSON object");
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 1) {
            throw new InvalidTouchpointException("schemaVersion must be 1, was " + version);
        }
        String messageId = requiredText(root, "messageId");
        if (messageId.length() > 256) {
            throw new InvalidTouchpointException("messageId longer than 256 characters");
        }
        String type = requiredText(root, "type");
        if (!TYPES.contains(type)) {
            throw new InvalidTouchpointException("unknown type '" + type + "'");
        }
        String channel = requiredText(root, "channel");
        if (!CHANNELS.contains(channel)) {
            throw new InvalidTouchpointException("unknown channel '" + channel + "'");
        }
        String userId = optionalText(root, "userId");
        String anonymousId = optionalText(root, "anonymousId");
        if (isEmpty(userId) && isEmpty(anonymousId)) {
            throw new InvalidTouchpointException("neither userId nor anonymousId is given");
        }
        return new TouchpointEvent(messageId, type, optionalText(root, "event"), channel,
                requiredText(root, "sourceId"), userId, anonymousId, optionalText(root, "previousId"),
                instant(root, "receivedAt"), instant(root, "timestamp"), value,
                IdentifierExtractor.extract(root, type), root.path("properties"));
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static String requiredText(JsonNode root, String field) {
        String s = optionalText(root, field);
        if (isEmpty(s)) {
            throw new InvalidTouchpointException("'" + field + "' is missing or empty");
        }
        return s;
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidTouchpointException("'" + field + "' must be a string");
        }
        return n.textValue();
    }

    private static Instant instant(JsonNode root, String field) {
        String s = requiredText(root, field);
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidTouchpointException("'" + field + "' is not an ISO-8601 date-time: " + s, e);
        }
    }
}
