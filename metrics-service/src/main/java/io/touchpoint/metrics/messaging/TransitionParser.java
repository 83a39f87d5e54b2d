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
import io.touchpoint.metrics.service.Transition;
import io.touchpoint.metrics.service.Transition.CustomerErased;
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageCorrected;
import io.touchpoint.metrics.service.Transition.StageEntered;
import io.touchpoint.metrics.service.Transition.Unrecognized;

/**
 * Reads one journey.transitions.v1 record (deploy/contracts/journey.transitions.v1.schema.json). Tolerant where
 * the contract may grow (unknown kinds and fields), strict where counting depends on it (ids, stage, time).
 */
@ApplicationScoped
public class TransitionParser {

    static final int SCHEMA_VERSION = 1;
    private static final int MAX_ID_LENGTH = 512;

    private final ObjectMapper json;

    @Inject
    public TransitionParser(ObjectMapper json) {
        this.json = json;
    }

    /** @throws InvalidTransitionException when the record is not a valid v1 transition */
    public Transition parse(String payload) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidTransitionException("empty record");
        }
        JsonNode node;
        try {
            node = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidTransitionException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidTransitionException("not a JSON object");
        }
        JsonNode version = node.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != SCHEMA_VERSION) {
            throw new InvalidTransitionException("schemaVersion must be " + SCHEMA_VERSION);
        }
        String transitionId = requireText(node, "transitionId");
        String kind = requireText(node, "kind");
        return switch (kind) {
            case StageEntered.KIND -> new StageEntered(transitionId, requireText(node, "customerId"),
                    requireText(node, "stage"), channelBucket(text(node, "channel")), requireTime(node, "at"),
                    optionalId(node, "userId"), optionalId(node, "anonymousId"));
            case StageCorrected.KIND -> new StageCorrected(transitionId, requireText(node, "customerId"),
                    requireText(node, "stage"), channelBucket(text(node, "channel")), requireTime(node, "at"),
                    requireTime(node, "previousAt"), optionalId(node, "userId"), optionalId(node, "anonymousId"));
            case CustomerErased.KIND -> new CustomerErased(transitionId, requireText(node, "customerId"),
                    requireTime(node, "at"));
            case CustomerMerged.KIND -> {
                requireText(node, "customerId");
                requireText(node, "absorbedCustomerId");
                yield new CustomerMerged(transitionId, text(node, "customerId"), text(node, "absorbedCustomerId"),
                        requireTime(node, "at"));
            }
            default -> new Unrecognized(transitionId, kind);
        };
    }

    /** Known channels keep their name; a missing or new one is counted under {@code other}. */
    private static String channelBucket(String channel) {
        return Channel.fromWire(channel).map(Channel::wireName).orElse(Channel.OTHER);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** An identifier that may be absent; blank counts as absent (it could link nothing). */
    private static String optionalId(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidTransitionException(field + " must be a string or null");
        }
        if (value.asText().length() > MAX_ID_LENGTH) {
            throw new InvalidTransitionException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value.asText();
    }

    private static String requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidTransitionException(field + " must be a non-empty string");
        }
        if (value.asText().length() > MAX_ID_LENGTH) {
            throw new InvalidTransitionException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value.asText();
    }

    private static Instant requireTime(JsonNode node, String field) {
        String value = requireText(node, field);
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidTransitionException(field + " is not an ISO-8601 date-time: " + value, e);
        }
    }
}
