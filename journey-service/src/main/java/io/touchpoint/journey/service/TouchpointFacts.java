package io.touchpoint.journey.service;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What stage assignment needs to know of a stored touchpoint; {@code stage} is the one stored now.
 * userId/anonymousId go into the transitions it causes; properties feed the rules' predicates.
 */
public record TouchpointFacts(String messageId, String type, String event, String channel, String sourceId,
        Instant occurredAt, String stage, String userId, String anonymousId, JsonNode properties) {

    public TouchpointFacts(String messageId, String type, String event, String channel, String sourceId,
            Instant occurredAt, String stage) {
        this(messageId, type, event, channel, sourceId, occurredAt, stage, null, null, MissingNode.getInstance());
    }

    public TouchpointFacts {
        properties = properties == null ? MissingNode.getInstance() : properties;
    }
}
