package io.touchpoint.conventions.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An RFC 9457 problem detail, the body of every 4xx/5xx answer ({@code application/problem+json}).
 * {@code correlationId} is only on 500 answers: the same id is in the log line with the exception and in the
 * {@code X-Correlation-Id} header.
 */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
@JsonPropertyOrder({ "type", "title", "status", "detail", "instance", "correlationId" })
public record Problem(
        @Schema(description = "Stable problem type, urn:touchpoint:problem:<code>",
                examples = "urn:touchpoint:problem:not-found") String type,
        @Schema(description = "Short summary of the type", examples = "Not found") String title,
        @Schema(description = "HTTP status", examples = "404") int status,
        @Schema(description = "What was wrong with this request and what to change",
                examples = "no resource at this path") String detail,
        @Schema(description = "The request path", examples = "/no-such-path") String instance,
        @Schema(description = "500 only: the id of the log line that has the failure",
                examples = "6f1c2a9e-8b1d-4f0e-9a51-3c2b7d0e4a11") @JsonInclude(JsonInclude.Include.NON_NULL) String correlationId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
}
