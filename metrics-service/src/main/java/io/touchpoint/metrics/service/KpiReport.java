package io.touchpoint.metrics.service;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The CX KPIs of deploy/contracts/tracking-plan.md for a range of UTC days (of the events), a channel and a
 * stage (the customer's latest stage at the event's time; {@code unknown} when the customer was not known yet).
 * A value is null when nothing was measured.
 */
@Schema(description = "CX KPIs")
public record KpiReport(
        @Schema(nullable = true, example = "2026-11-01") String from,
        @Schema(nullable = true, example = "2026-11-30") String to,
        @Schema(nullable = true, example = "contact_center") String channel,
        @Schema(nullable = true, example = "support") String stage,
        Nps nps, Csat csat, Ces ces, FirstContactResolution firstContactResolution, ResolutionTime resolutionTime,
        Churn churn, Clv clv, SocialEngagement socialEngagement, Invalid invalid) {

    @Schema(name = "Nps", description = "% promoters (9–10) − % detractors (0–6), −100…100")
    public record Nps(@Schema(nullable = true, example = "32.5") Double score, long responses, long promoters,
            long passives, long detractors) {
    }

    @Schema(name = "Csat", description = "% of answers scoring 4 or 5 (1–5 scale), and the mean score")
    public record Csat(@Schema(nullable = true, example = "81.0") Double score,
            @Schema(nullable = true, example = "4.1") Double meanScore, long responses, long satisfied) {
    }

    @Schema(name = "Ces", description = "Mean customer effort score (1–7)")
    public record Ces(@Schema(nullable = true, example = "2.4") Double meanScore, long responses) {
    }

    @Schema(name = "FirstContactResolution", description = "% of resolved cases resolved on the first contact")
    public record FirstContactResolution(@Schema(nullable = true, example = "72.0") Double rate, long resolvedCases,
            long resolvedOnFirstContact) {
    }

    @Schema(name = "ResolutionTime", description = "Case Resolved.resolutionSeconds: exact mean, p50/p90 estimated from the buckets")
    public record ResolutionTime(long cases, @Schema(nullable = true) Double meanSeconds,
            @Schema(nullable = true) Double p50Seconds, @Schema(nullable = true) Double p90Seconds,
            List<Histogram.Bucket> buckets) {
    }

    @Schema(name = "Churn", description = "Distinct customers who cancelled / distinct customers who reached the "
            + "base stage (purchase), in %; each customer counts on the day, channel and stage of their first "
            + "cancellation and of their entry into the base stage (the stage filter applies to the cancellations only)")
    public record Churn(@Schema(nullable = true, example = "4.2") Double rate, long churnedCustomers,
            long customersReachedBaseStage, long cancellations) {
    }

    @Schema(name = "Clv", description = "Order revenue / distinct paying customers (each counted on the day, "
            + "channel and stage of their first order); revenue is summed as sent, in cents, whatever the currency")
    public record Clv(@Schema(nullable = true, example = "129.5") Double value, double revenue, long payingCustomers,
            long orders) {
    }

    @Schema(name = "SocialEngagement", description = "Social events per kind")
    public record SocialEngagement(long mention, long comment, long like, long share, long directMessage,
            long total) {
    }

    @Schema(name = "InvalidKpiEvents", description = "KPI events not counted: out-of-range or missing scores, "
            + "cases without a valid contactCount, orders with a negative revenue, surveys of an unknown type")
    public record Invalid(long nps, long csat, long ces, long survey, long cases, long orders) {
    }
}
