package io.touchpoint.metrics.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, served as {@code application/problem+json}. */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(example = "urn:touchpoint:problem:not-found") String type,
        @Schema(example = "Not found") String title,
        @Schema(example = "404") int status,
        @Schema(example = "no funnel 'checkout' is configured") String detail,
        @Schema(example = "/funnels/checkout") String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
