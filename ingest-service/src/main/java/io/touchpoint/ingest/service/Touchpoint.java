package io.touchpoint.ingest.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.Channel;

/**
 * One canonical record of {@code touchpoints.v1}, exactly the fields of
 * {@code deploy/contracts/touchpoints.v1.schema.json}. Absent values are written as {@code null}.
 * Timestamps are ISO-8601 UTC text with milliseconds.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "schemaVersion", "messageId", "type", "event", "channel", "sourceId", "userId",
        "anonymousId", "previousId", "groupId", "traits", "properties", "context", "integrations", "originalTimestamp",
        "sentAt", "receivedAt", "timestamp" })
public record Touchpoint(
        int schemaVersion,
        String messageId,
        CallType type,
        String event,
        Channel channel,
        String sourceId,
        String userId,
        String anonymousId,
        String previousId,
        String groupId,
        ObjectNode traits,
        ObjectNode properties,
        ObjectNode context,
        ObjectNode integrations,
        String originalTimestamp,
        String sentAt,
        String receivedAt,
        String timestamp) {

    public static final int SCHEMA_VERSION = 1;

    /** The Kafka record key: the customer key, so one person's events stay in order on one partition. */
    public String customerKey() {
        return userId != null ? userId : anonymousId;
    }
}
