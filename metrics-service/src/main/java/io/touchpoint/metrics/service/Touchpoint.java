package io.touchpoint.metrics.service;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The part of a touchpoints.v1 record the KPIs need. {@code channel} is a {@link Channel} wire name or
 * {@link Channel#OTHER}; {@code at} is the corrected event time ({@code timestamp}); {@code properties} is an
 * object node or null.
 */
public record Touchpoint(String messageId, String type, String event, String channel, String userId,
        String anonymousId, Instant at, JsonNode properties) {
}
