package io.touchpoint.ingest.service;

/**
 * A canonical touchpoint ready for Kafka: its messageId (the dedup key; {@code generatedId} when
 * ingest made it up, so it cannot repeat), its call type (for the metrics), the record key (userId
 * else anonymousId) and the record value as written to {@code touchpoints.v1}.
 */
public record PreparedTouchpoint(String messageId, boolean generatedId, CallType type, String key, byte[] value) {
}
