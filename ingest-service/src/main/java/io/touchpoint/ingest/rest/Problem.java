package io.touchpoint.ingest.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every 4xx/5xx answer ({@code application/problem+json}).
 * {@code correlationId} is only on 500 answers: the same id is in the log line with the exception and in the
 * {@code X-Correlation-Id} header.
 */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(description = "Stable problem type", examples = "urn:touchpoint:problem:invalid-event") String type,
        @Schema(description = "Short summary of the type", examples = "Invalid event") String title,
        @Schema(description = "HTTP status", examples = "400") int status,
        @Schema(description = "What was wrong with this request, naming the field",
                examples = "a track call needs a non-blank 'event'") String detail,
        @Schema(description = "The request path", examples = "/v1/track") String instance,
        @Schema(description = "500 only: the id of the log line that has the failure",
                examples = "6f1c2a9e-8b1d-4f0e-9a51-3c2b7d0e4a11") @JsonInclude(JsonInclude.Include.NON_NULL) String correlationId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
}
