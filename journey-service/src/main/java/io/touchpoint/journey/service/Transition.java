package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A {@code journey.transitions.v1} record (see deploy/contracts). The transitionId is derived from
 * what happened, so re-publishing the same change yields the same id and consumers can dedupe.
 */
@JsonPropertyOrder({ "schemaVersion", "transitionId", "kind", "customerId", "at", "stage", "previousStage", "channel",
        "sourceId", "causeMessageId", "absorbedCustomerId" })
public record Transition(int schemaVersion, String transitionId, String kind, String customerId, String at,
        String stage, String previousStage, String channel, String sourceId, String causeMessageId,
        String absorbedCustomerId) {

    public static final String TOPIC = "journey.transitions.v1";

    public static Transition stageEntered(UUID customer, StageEntry entry, String previousStage) {
        return new Transition(1, "stage_entered:" + customer + ":" + entry.stage(), "stage_entered", customer.toString(),
                IsoTime.format(entry.enteredAt()), entry.stage(), previousStage, entry.channel(), entry.sourceId(),
                entry.causeMessageId(), null);
    }

    public static Transition customerMerged(UUID survivor, UUID absorbed, Instant at, String causeMessageId) {
        return new Transition(1, "customer_merged:" + survivor + ":" + absorbed, "customer_merged", survivor.toString(),
                IsoTime.format(at), null, null, null, null, causeMessageId, absorbed.toString());
    }
}
