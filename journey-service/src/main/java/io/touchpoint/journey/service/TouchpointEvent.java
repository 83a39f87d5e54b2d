package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of a {@code touchpoints.v1} record journey-service uses. {@code payload} keeps the record
 * as received so nothing is lost for later features (traits, properties, context).
 *
 * @param traitIdentifiers identifiers besides userId/anonymousId (traits, device, externalIds), normalised
 * @param properties the record's {@code properties} (a missing node when absent), for stage rules
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
        String payload,
        List<Identifier> traitIdentifiers,
        JsonNode properties) {

    public boolean isStageCandidate() {
        return StageModel.STAGE_TYPES.contains(type);
    }

    /** What stage assignment needs of this touchpoint, before it has a stage. */
    public TouchpointFacts facts() {
        return new TouchpointFacts(messageId, type, event, channel, sourceId, timestamp, null, userId, anonymousId,
                properties);
    }
}
