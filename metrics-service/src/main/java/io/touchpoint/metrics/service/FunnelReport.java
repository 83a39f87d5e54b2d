package io.touchpoint.metrics.service;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Customers per step of one funnel, for all channels or one, over all time or a range of days. */
@Schema(description = "Customers per step of a funnel")
public record FunnelReport(
        @Schema(example = "lifecycle") String funnel,
        @Schema(description = "ISO-8601 period after which a customer who did not reach the next step has dropped", example = "P14D") String conversionWindow,
        @Schema(description = "The channel filter, null for all channels", nullable = true, example = "web") String channel,
        @Schema(description = "First UTC day of entry counted, null for all time", nullable = true, example = "2026-11-01") String from,
        @Schema(description = "Last UTC day of entry counted, null for all time", nullable = true, example = "2026-11-30") String to,
        List<Step> steps) {

    /**
     * One step: customers who entered it (on the day and channel of their entry), and what became of them.
     * entered = convertedToNext + inProgress + dropped.
     */
    @Schema(name = "FunnelStep")
    public record Step(
            @Schema(example = "consideration") String stage,
            @Schema(example = "1200") long entered,
            @Schema(description = "Entered the next step at the same time or later; null for the last step", nullable = true, example = "420") Long convertedToNext,
            @Schema(description = "convertedToNext / entered; null for the last step or when nobody entered", nullable = true, example = "0.35") Double conversionRate,
            @Schema(description = "Not converted, conversion window not passed yet; null for the last step", nullable = true, example = "300") Long inProgress,
            @Schema(description = "Conversion window passed without the next step; null for the last step", nullable = true, example = "480") Long dropped,
            @Schema(description = "dropped / entered; null for the last step or when nobody entered", nullable = true, example = "0.4") Double dropOffRate,
            @Schema(description = "Time from this step to the next for converted customers; null for the last step", nullable = true) TimeToConvert timeToConvert) {
    }

    /** Time to convert to the next step: exact mean, percentiles estimated from the histogram buckets. */
    @Schema(name = "TimeToConvert")
    public record TimeToConvert(
            @Schema(example = "420") long count,
            @Schema(nullable = true, example = "5400.5") Double meanSeconds,
            @Schema(nullable = true, description = "Estimated from the buckets", example = "3000.0") Double p50Seconds,
            @Schema(nullable = true, description = "Estimated from the buckets", example = "80000.0") Double p90Seconds,
            @Schema(description = "Cumulative buckets, seconds") List<Histogram.Bucket> buckets) {

        static TimeToConvert of(Histogram h) {
            return new TimeToConvert(h.count(), h.meanSeconds(), h.quantileSeconds(0.5), h.quantileSeconds(0.9),
                    h.cumulative());
        }
    }
}
