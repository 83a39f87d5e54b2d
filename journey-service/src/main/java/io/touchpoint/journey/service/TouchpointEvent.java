package io.touchpoint.journey.service;

import java.time.Instant;

/**
 * The parts of a {@code touchpoints.v1} record journey-service uses. {@code payload} keeps the record
 * as received so nothing is lost for later features (traits, properties, context).
 */
public record TouchpointEvent(
        String messageId,
        String type,
        String event,
        String channel,
        String sourceId,
        String userId,
        String anonymousId,
        String previousId,
        Instant receivedAt,
        Instant timestamp,
        String payload) {

    public boolean isStageCandidate() {
        return StageModel.STAGE_TYPES.contains(type);
    }
}
