package io.touchpoint.metrics.service;

import java.time.Instant;

/** A journey transition as metrics-service understands it (parsed from journey.transitions.v1). */
public sealed interface Transition {

    String transitionId();

    /** The contract's {@code kind}, or {@code other} for a kind this version does not know. */
    String kind();

    /** A customer entered a stage; {@code channel} is a {@link Channel} wire name or {@link Channel#OTHER}. */
    record StageEntered(String transitionId, String customerId, String stage, String channel, Instant at)
            implements Transition {
        public static final String KIND = "stage_entered";

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

    /** A kind added to the contract after this version; skipped so the consumer stays forward compatible. */
    record Unrecognized(String transitionId, String wireKind) implements Transition {
        public static final String KIND = "other";

        @Override
        public String kind() {
            return KIND;
        }
    }
}
