package io.touchpoint.ingest.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One record of {@code touchpoints.rejected.v1}: what a known source sent that ingest refused, and why. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "schemaVersion", "sourceId", "reason", "detail", "index", "receivedAt", "payload" })
public record RejectedTouchpoint(
        int schemaVersion,
        String sourceId,
        RejectionReason reason,
        String detail,
        Integer index,
        String receivedAt,
        String payload) {
}
