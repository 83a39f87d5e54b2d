package io.touchpoint.journey.service;

import java.time.Instant;

/** A customer's first entry into a stage: when (corrected time), through which channel, caused by which touchpoint. */
public record StageEntry(String stage, Instant enteredAt, String channel, String sourceId, String causeMessageId) {
}
