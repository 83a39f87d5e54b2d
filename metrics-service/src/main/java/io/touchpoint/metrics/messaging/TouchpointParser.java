package io.touchpoint.metrics.messaging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.metrics.service.Channel;
import io.touchpoint.metrics.service.Touchpoint;

/**
 * Reads the fields the KPIs need from one touchpoints.v1 record (deploy/contracts/touchpoints.v1.schema.json):
 * strict on what counting depends on (messageId, an identifier, the event time), tolerant of the rest.
 */
@ApplicationScoped
public class TouchpointParser {

    static final int SCHEMA_VERSION = 1;
    private static final int MAX_ID_LENGTH = 256;

    private final ObjectMapper json;

    @Inject
    public TouchpointParser(ObjectMapper json) {
        this.json = json;
    }

    /** @throws InvalidTouchpointException when the record is not a readable v1 touchpoint */
    public Touchpoint parse(String payload) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidTouchpointException("empty record");
        }
        JsonNode node;
        try {
            node = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidTouchpointException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidTouchpointException("not a JSON object");
        }
        JsonNode version = node.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != SCHEMA_VERSION) {
            throw new InvalidTouchpointException("schemaVersion must be " + SCHEMA_VERSION);
        }
        String messageId = id(node, "messageId");
        if (messageId == null) {
            throw new InvalidTouchpointException("messageId must be a non-empty string");
        }
        String userId = id(node, "userId");
        String anonymousId = id(node, "anonymousId");
        if (userId == null && anonymousId == null) {
            throw new InvalidTouchpointException("userId or anonymousId is required");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidTouchpointException("type must be a string");
        }
        JsonNode event = node.get("event");
        JsonNode properties = node.get("properties");
        return new Touchpoint(messageId, type.asText(), event != null && event.isTextual() ? event.asText() : null,
                Channel.fromWire(node.path("channel").asText(null)).map(Channel::wireName).orElse(Channel.OTHER),
                userId, anonymousId, time(node, "timestamp"),
                properties != null && properties.isObject() ? properties : null);
    }

    private static String id(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidTouchpointException(field + " must be a string");
        }
        if (value.asText().isBlank()) {
            return null;
        }
        if (value.asText().length() > MAX_ID_LENGTH) {
            throw new InvalidTouchpointException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value.asText();
    }

    private static Instant time(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidTouchpointException(field + " must be an ISO-8601 date-time");
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidTouchpointException(field + " is not an ISO-8601 date-time: " + value.asText(), e);
        }
    }
}
