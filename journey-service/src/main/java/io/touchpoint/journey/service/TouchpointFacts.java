package io.touchpoint.journey.service;

import java.time.Instant;

/** What stage assignment needs to know of a stored touchpoint; {@code stage} is the one stored now. */
public record TouchpointFacts(String messageId, String type, String event, String channel, String sourceId,
        Instant occurredAt, String stage) {
}
