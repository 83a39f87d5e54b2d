package io.touchpoint.ingest.service;

import io.touchpoint.ingest.config.Channel;

/**
 * One canonical record of {@code touchpoints.v1}, exactly the fields of
 * {@code deploy/contracts/touchpoints.v1.schema.json} (absent values are written as {@code null};
 * timestamps are ISO-8601 UTC text with milliseconds), plus {@code generatedId}, which is not
 * written: ingest made the messageId up, so it cannot repeat and needs no dedup claim.
 */
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
        JsonPart traits,
        JsonPart properties,
        JsonPart context,
        JsonPart integrations,
        String originalTimestamp,
        String sentAt,
        String receivedAt,
        String timestamp,
        boolean generatedId) {

    public static final int SCHEMA_VERSION = 1;

    /** The Kafka record key: the customer key, so one person's events stay in order on one partition. */
    public String customerKey() {
        return userId != null ? userId : anonymousId;
    }
}
