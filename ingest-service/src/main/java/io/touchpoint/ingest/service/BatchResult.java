package io.touchpoint.ingest.service;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer to a batch: how many items are durably accepted and, by index, every item that was
 * refused (each one also recorded on touchpoints.rejected.v1).
 */
@Schema(name = "BatchResult", description = "Segment's {\"success\": true}, plus what happened to each item")
public record BatchResult(
        @Schema(description = "The request was handled: accepted items are on Kafka, refused ones recorded",
                examples = "true") boolean success,
        @Schema(description = "Items acknowledged by Kafka (or already published before: duplicates)",
                examples = "99") int accepted,
        @Schema(description = "Refused items, by position in 'batch'") List<ItemError> rejected) {

    @Schema(name = "BatchItemError")
    public record ItemError(
            @Schema(description = "Position in 'batch', from 0", examples = "3") int index,
            @Schema(description = "Reason code, as on touchpoints.rejected.v1", examples = "missing_event") String reason,
            @Schema(description = "What was wrong", examples = "a track call needs a non-blank 'event'") String detail) {
    }
}
