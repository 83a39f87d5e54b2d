package io.touchpoint.metrics.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code correlationId} is only on
 * 500 answers: the same id is in the log line with the exception and in the {@code X-Correlation-Id} header.
 */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(example = "urn:touchpoint:problem:not-found") String type,
        @Schema(example = "Not found") String title,
        @Schema(example = "404") int status,
        @Schema(example = "no funnel 'checkout' is configured") String detail,
        @Schema(example = "/funnels/checkout") String instance,
        @Schema(description = "500 only: the id of the log line that has the failure",
                example = "6f1c2a9e-8b1d-4f0e-9a51-3c2b7d0e4a11") @JsonInclude(JsonInclude.Include.NON_NULL) String correlationId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
}
