package io.touchpoint.metrics.service;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Customers per step of one funnel, over all time, for all channels or one. */
@Schema(description = "Customers per step of a funnel")
public record FunnelReport(
        @Schema(example = "lifecycle") String funnel,
        @Schema(description = "ISO-8601 period after which a customer who did not reach the next step has dropped", example = "P14D") String conversionWindow,
        @Schema(description = "The channel filter, null for all channels", nullable = true, example = "web") String channel,
        List<Step> steps) {

    /** One step: customers who entered it, and how many of them later entered the next step. */
    @Schema(name = "FunnelStep")
    public record Step(
            String stage,
            long entered,
            @Schema(description = "Null for the last step", nullable = true) Long convertedToNext,
            @Schema(description = "convertedToNext / entered; null for the last step or when nobody entered", nullable = true) Double conversionRate) {
    }
}
