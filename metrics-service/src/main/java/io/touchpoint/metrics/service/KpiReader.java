package io.touchpoint.metrics.service;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.config.MetricsConfig;
import io.touchpoint.metrics.repository.FunnelCounterKeys;
import io.touchpoint.metrics.repository.FunnelCounterRepository;
import io.touchpoint.metrics.repository.KpiRepository;

/** Computes the KPI report from the counters (fields {@code <measure>|<channel>|<stage>}). */
@ApplicationScoped
public class KpiReader {

    private final KpiRepository kpis;
    private final FunnelCounterRepository funnels;
    private final FunnelCatalog catalog;
    private final String churnBaseStage;

    @Inject
    public KpiReader(KpiRepository kpis, FunnelCounterRepository funnels, FunnelCatalog catalog,
            MetricsConfig config) {
        this.kpis = kpis;
        this.funnels = funnels;
        this.catalog = catalog;
        this.churnBaseStage = config.churnBaseStage();
    }

    /** Stages a KPI can be filtered by: every funnel stage and {@code unknown}. */
    public boolean isKnownStage(String stage) {
        return "unknown".equals(stage) || catalog.isCounted(stage);
    }

    public Uni<KpiReport> report(DayRange range, Optional<Channel> channel, Optional<String> stage) {
        String channelName = channel.map(Channel::wireName).orElse(null);
        // The churn base: customers who entered the base stage, from the first funnel that has it.
        Optional<FunnelDefinition> base = catalog.all().stream().filter(f -> f.contains(churnBaseStage)).findFirst();
        Uni<Long> purchasers = base.isEmpty() ? Uni.createFrom().item(0L)
                : funnels.counters(base.get(), range.days()).map(c -> c.getOrDefault(
                        FunnelCounterKeys.funnelField("entered", churnBaseStage, channelName), 0L));
        return Uni.combine().all().unis(kpis.counters(range.days()), purchasers).asTuple()
                .map(t -> toReport(range, channelName, stage.orElse(null), t.getItem1(), t.getItem2()));
    }

    /** All-time KPIs for all channels (key null) and each channel bucket, from one read of the counters. */
    public Uni<Map<String, KpiReport>> reportsByChannel(java.util.List<String> channels) {
        Optional<FunnelDefinition> base = catalog.all().stream().filter(f -> f.contains(churnBaseStage)).findFirst();
        Uni<Map<String, Long>> funnelCounts = base.isEmpty() ? Uni.createFrom().item(Map.of())
                : funnels.counters(base.get(), null);
        return Uni.combine().all().unis(kpis.counters(null), funnelCounts).asTuple().map(t -> {
            Map<String, KpiReport> reports = new java.util.HashMap<>();
            reports.put(null, toReport(DayRange.ALL_TIME, null, null, t.getItem1(), t.getItem2().getOrDefault(
                    FunnelCounterKeys.funnelField("entered", churnBaseStage, null), 0L)));
            for (String c : channels) {
                reports.put(c, toReport(DayRange.ALL_TIME, c, null, t.getItem1(), t.getItem2().getOrDefault(
                        FunnelCounterKeys.funnelField("entered", churnBaseStage, c), 0L)));
            }
            return reports;
        });
    }

    static KpiReport toReport(DayRange range, String channel, String stage, Map<String, Long> counts,
            long purchasers) {
        Sums s = new Sums(counts, channel, stage);
        long npsN = s.get("nps_responses");
        long promoters = s.get("nps_promoters");
        long detractors = s.get("nps_detractors");
        var nps = new KpiReport.Nps(npsN == 0 ? null : 100.0 * (promoters - detractors) / npsN, npsN, promoters,
                s.get("nps_passives"), detractors);
        long csatN = s.get("csat_responses");
        long satisfied = s.get("csat_satisfied");
        var csat = new KpiReport.Csat(percent(satisfied, csatN), csatN == 0 ? null
                : (double) s.get("csat_score_sum") / csatN, csatN, satisfied);
        long cesN = s.get("ces_responses");
        var ces = new KpiReport.Ces(cesN == 0 ? null : (double) s.get("ces_score_sum") / cesN, cesN);
        long resolved = s.get("cases_resolved");
        long first = s.get("cases_first_contact");
        var fcr = new KpiReport.FirstContactResolution(percent(first, resolved), resolved, first);
        long[] buckets = new long[Histogram.RESOLUTION_BOUNDS.size() + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = s.get("resolution_b" + i);
        }
        Histogram h = new Histogram(Histogram.RESOLUTION_BOUNDS, buckets, s.get("resolution_ms"));
        var resolution = new KpiReport.ResolutionTime(h.count(), h.meanSeconds(), h.quantileSeconds(0.5),
                h.quantileSeconds(0.9), h.cumulative());
        long churned = s.get(TrackingPlan.CHURNED);
        var churn = new KpiReport.Churn(percent(churned, purchasers), churned, purchasers, s.get("cancellations"));
        long payers = s.get(TrackingPlan.PAYERS);
        long cents = s.get("revenue_cents");
        var clv = new KpiReport.Clv(payers == 0 ? null : cents / 100.0 / payers, cents / 100.0, payers,
                s.get("orders"));
        long mention = s.get("social_mention");
        long comment = s.get("social_comment");
        long like = s.get("social_like");
        long share = s.get("social_share");
        long dm = s.get("social_direct_message");
        var social = new KpiReport.SocialEngagement(mention, comment, like, share, dm,
                mention + comment + like + share + dm);
        var invalid = new KpiReport.Invalid(s.get("invalid_nps"), s.get("invalid_csat"), s.get("invalid_ces"),
                s.get("invalid_survey"), s.get("invalid_case"), s.get("invalid_order"));
        return new KpiReport(range.fromText(), range.toText(), channel, stage, nps, csat, ces, fcr, resolution, churn,
                clv, social, invalid);
    }

    private static Double percent(long part, long whole) {
        return whole == 0 ? null : 100.0 * part / whole;
    }

    /** Sums of each measure over the fields that match the channel and stage filters (null: any). */
    private static final class Sums {
        private final Map<String, Long> byMeasure = new java.util.HashMap<>();

        Sums(Map<String, Long> counts, String channel, String stage) {
            counts.forEach((field, value) -> {
                String[] parts = field.split("\\|", 3);
                if (parts.length == 3 && (channel == null || channel.equals(parts[1]))
                        && (stage == null || stage.equals(parts[2]))) {
                    byMeasure.merge(parts[0], value, Long::sum);
                }
            });
        }

        long get(String measure) {
            return byMeasure.getOrDefault(measure, 0L);
        }
    }
}
