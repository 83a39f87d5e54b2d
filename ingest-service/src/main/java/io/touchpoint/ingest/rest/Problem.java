package io.touchpoint.ingest.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, the body of every 4xx/5xx answer ({@code application/problem+json}). */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(description = "Stable problem type", examples = "urn:touchpoint:problem:invalid-event") String type,
        @Schema(description = "Short summary of the type", examples = "Invalid event") String title,
        @Schema(description = "HTTP status", examples = "400") int status,
        @Schema(description = "What was wrong with this request, naming the field",
                examples = "a track call needs a non-blank 'event'") String detail,
        @Schema(description = "The request path", examples = "/v1/track") String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
