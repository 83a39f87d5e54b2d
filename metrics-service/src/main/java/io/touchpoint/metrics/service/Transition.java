package io.touchpoint.metrics.service;

import java.time.Instant;

/** A journey transition as metrics-service understands it (parsed from journey.transitions.v1). */
public sealed interface Transition {

    String transitionId();

    /** The contract's {@code kind}, or {@code other} for a kind this version does not know. */
    String kind();

    /**
     * A customer entered a stage; {@code channel} is a {@link Channel} wire name or {@link Channel#OTHER}.
     * {@code userId} and {@code anonymousId} (nullable) are those of the touchpoint that caused it: they let KPI
     * events from touchpoints.v1 find their customer.
     */
    record StageEntered(String transitionId, String customerId, String stage, String channel, Instant at,
            String userId, String anonymousId) implements Transition {
        public static final String KIND = "stage_entered";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** A late touchpoint moved a customer's entry into a stage earlier: new time, day and channel. */
    record StageCorrected(String transitionId, String customerId, String stage, String channel, Instant at,
            Instant previousAt, String userId, String anonymousId) implements Transition {
        public static final String KIND = "stage_corrected";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** Two customers turned out to be one person; {@code absorbedId} no longer exists on its own. */
    record CustomerMerged(String transitionId, String survivorId, String absorbedId, Instant at)
            implements Transition {
        public static final String KIND = "customer_merged";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** A customer was erased (right to be forgotten): everything it contributed is taken out of the counters. */
    record CustomerErased(String transitionId, String customerId, Instant at) implements Transition {
        public static final String KIND = "customer_erased";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** A kind added to the contract after this version; skipped so the consumer stays forward compatible. */
    record Unrecognized(String transitionId, String wireKind) implements Transition {
        public static final String KIND = "other";

        @Override
        public String kind() {
            return KIND;
        }
    }
}
