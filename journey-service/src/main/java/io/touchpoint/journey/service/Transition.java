package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A {@code journey.transitions.v1} record (see deploy/contracts). The transitionId is derived from
 * what happened, so re-publishing the same change yields the same id and consumers can dedupe.
 */
@JsonPropertyOrder({ "schemaVersion", "transitionId", "kind", "customerId", "at", "previousAt", "stage", "previousStage",
        "channel", "sourceId", "causeMessageId", "userId", "anonymousId", "absorbedCustomerId" })
public record Transition(int schemaVersion, String transitionId, String kind, String customerId, String at,
        String previousAt, String stage, String previousStage, String channel, String sourceId, String causeMessageId,
        String userId, String anonymousId, String absorbedCustomerId) {

    public static final String TOPIC = "journey.transitions.v1";

    /** A first entry into a stage; {@code cause} is the touchpoint that entered it (for userId/anonymousId). */
    public static Transition stageEntered(UUID customer, StageEntry entry, String previousStage, TouchpointFacts cause) {
        return new Transition(1, "stage_entered:" + customer + ":" + entry.stage(), "stage_entered", customer.toString(),
                IsoTime.format(entry.enteredAt()), null, entry.stage(), previousStage, entry.channel(), entry.sourceId(),
                entry.causeMessageId(), cause == null ? null : cause.userId(), cause == null ? null : cause.anonymousId(),
                null);
    }

    /** A late touchpoint (or a merge) changed when, or through which touchpoint, a known stage was entered. */
    public static Transition stageCorrected(UUID customer, StageEntry entry, StageEntry before, String previousStage,
            TouchpointFacts cause) {
        return new Transition(1, "stage_corrected:" + customer + ":" + entry.stage() + ":" + entry.causeMessageId(),
                "stage_corrected", customer.toString(), IsoTime.format(entry.enteredAt()),
                IsoTime.format(before.enteredAt()), entry.stage(), previousStage, entry.channel(), entry.sourceId(),
                entry.causeMessageId(), cause == null ? null : cause.userId(), cause == null ? null : cause.anonymousId(),
                null);
    }

    public static Transition customerMerged(UUID survivor, UUID absorbed, Instant at, String causeMessageId) {
        return new Transition(1, "customer_merged:" + survivor + ":" + absorbed, "customer_merged", survivor.toString(),
                IsoTime.format(at), null, null, null, null, null, causeMessageId, null, null, absorbed.toString());
    }

    public static Transition customerErased(UUID customer, Instant at) {
        return new Transition(1, "customer_erased:" + customer, "customer_erased", customer.toString(),
                IsoTime.format(at), null, null, null, null, null, null, null, null, null);
    }
}
