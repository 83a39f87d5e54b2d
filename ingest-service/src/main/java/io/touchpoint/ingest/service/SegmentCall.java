package io.touchpoint.ingest.service;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of a Segment HTTP Tracking API call, as a client sends it, for the API document (the
 * rules are {@link TouchpointNormaliser}'s; {@link SegmentReader} reads bodies). Unknown
 * fields are ignored, as Segment does. Timestamps stay text here so that a bad one is reported as
 * {@code invalid_timestamp} naming the field.
 */
@Schema(name = "SegmentCall", description = "Segment HTTP Tracking API body (track, identify, page, screen, group, alias).")
public record SegmentCall(
        @Schema(description = "Call type; required on batch items, implied by the path otherwise.",
                examples = "track") String type,
        @Schema(description = "Write key, when not sent as the HTTP Basic user.") String writeKey,
        @Schema(description = "Known user id; userId or anonymousId is required.") String userId,
        @Schema(description = "Device/browser id; userId or anonymousId is required.") String anonymousId,
        @Schema(description = "Event name; required for track.", examples = "Product Viewed") String event,
        @Schema(description = "page/screen: the page or screen name.", examples = "Home") String name,
        @Schema(description = "group: the account or organisation id (required).") String groupId,
        @Schema(description = "alias: the earlier identifier being linked to userId (required).") String previousId,
        @Schema(description = "Event properties.") ObjectNode properties,
        @Schema(description = "Segment context (ip, page, device, library, ...).") ObjectNode context,
        @Schema(description = "User traits.") ObjectNode traits,
        @Schema(description = "Device clock when the event happened (ISO-8601 with offset).",
                examples = "2026-11-23T10:00:00.000Z") String timestamp,
        @Schema(description = "Alias of timestamp sent by some libraries.") String originalTimestamp,
        @Schema(description = "Device clock when the request was sent (ISO-8601 with offset).") String sentAt,
        @Schema(description = "Idempotency key; generated when absent.", maxLength = 256) String messageId,
        @Schema(description = "Segment destinations switch; carried on the record, not interpreted.") ObjectNode integrations) {
}
