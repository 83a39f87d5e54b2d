package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The funnel and KPI gauges, read from Redis on a schedule so a scrape never waits for Redis. Labels are bounded
 * by configuration: funnels × stages × (all + 8 channel buckets) × 4 states, and 9 KPIs × 9 channel values.
 * A value with nothing to compute it from (a rate of zero customers) is NaN.
 * <ul>
 * <li>{@code touchpoint_funnel_customers{funnel,stage}}: entered, all channels</li>
 * <li>{@code touchpoint_funnel_step_customers{funnel,stage,channel,state}}: entered, converted, in_progress,
 * dropped</li>
 * <li>{@code touchpoint_funnel_conversion_ratio{funnel,stage,channel}} and
 * {@code touchpoint_funnel_dropoff_ratio{funnel,stage,channel}}</li>
 * <li>{@code touchpoint_funnel_time_to_convert_seconds{funnel,stage,quantile}}: p50 and p90, all channels</li>
 * <li>{@code touchpoint_kpi{kpi,channel}}</li>
 * </ul>
 */
@Startup
@ApplicationScoped
public class FunnelGauges {

    static final String GAUGE = "touchpoint.funnel.customers";
    static final String ALL = "all";
    private static final Logger LOG = Logger.getLogger(FunnelGauges.class);

    /** KPI label → how to read it from a report. */
    static final Map<String, Function<KpiReport, Double>> KPIS = Map.of(
            "nps", r -> r.nps().score(),
            "csat", r -> r.csat().score(),
            "csat_mean", r -> r.csat().meanScore(),
            "ces", r -> r.ces().meanScore(),
            "first_contact_resolution", r -> r.firstContactResolution().rate(),
            "resolution_seconds_mean", r -> r.resolutionTime().meanSeconds(),
            "churn_rate", r -> r.churn().rate(),
            "clv", r -> r.clv().value(),
            "social_engagement", r -> (double) r.socialEngagement().total());

    private final FunnelCatalog catalog;
    private final FunnelReader reader;
    private final KpiReader kpis;
    private final MeterRegistry registry;
    private final List<String> channels;
    /** Per gauge name: the latest value of every row, read by its MultiGauge at each scrape. */
    private final Map<String, Map<Tags, Double>> values = new HashMap<>();
    /** Per gauge name: the rows of its MultiGauge, fixed by configuration. */
    private final Map<String, List<MultiGauge.Row<?>>> rows = new HashMap<>();
    private final Map<String, String> descriptions = new HashMap<>();

    @Inject
    public FunnelGauges(FunnelCatalog catalog, FunnelReader reader, KpiReader kpis, MeterRegistry registry) {
        this.catalog = catalog;
        this.reader = reader;
        this.kpis = kpis;
        this.registry = registry;
        List<String> buckets = new ArrayList<>(Channel.wireNames());
        buckets.add(Channel.OTHER);
        this.channels = List.copyOf(buckets);
        for (FunnelDefinition funnel : catalog.all()) {
            for (int i = 0; i < funnel.stages().size(); i++) {
                String stage = funnel.stages().get(i);
                boolean last = i == funnel.stages().size() - 1;
                gauge(GAUGE, "Customers who entered the funnel step (all channels, all time)", Tags.of("funnel",
                        funnel.id(), "stage", stage), 0);
                for (String channel : labels()) {
                    for (String state : last ? List.of("entered") : List.of("entered", "converted", "in_progress",
                            "dropped")) {
                        gauge("touchpoint.funnel.step.customers", "Customers of a funnel step by state (all time)",
                                Tags.of("funnel", funnel.id(), "stage", stage, "channel", channel, "state", state), 0);
                    }
                    if (!last) {
                        gauge("touchpoint.funnel.conversion.ratio", "convertedToNext / entered (all time)",
                                Tags.of("funnel", funnel.id(), "stage", stage, "channel", channel), Double.NaN);
                        gauge("touchpoint.funnel.dropoff.ratio", "dropped / entered (all time)",
                                Tags.of("funnel", funnel.id(), "stage", stage, "channel", channel), Double.NaN);
                    }
                }
                if (!last) {
                    for (String q : List.of("0.5", "0.9")) {
                        gauge("touchpoint.funnel.time.to.convert.seconds",
                                "Time to the next step, estimated from histogram buckets (all time, all channels)",
                                Tags.of("funnel", funnel.id(), "stage", stage, "quantile", q), Double.NaN);
                    }
                }
            }
        }
        for (String kpi : KPIS.keySet()) {
            for (String channel : labels()) {
                gauge("touchpoint.kpi", "CX KPI (all time), as defined in the tracking plan",
                        Tags.of("kpi", kpi, "channel", channel), Double.NaN);
            }
        }
        rows.forEach((name, all) -> MultiGauge.builder(name).description(descriptions.get(name)).register(registry)
                .register(all));
    }

    private List<String> labels() {
        List<String> labels = new ArrayList<>();
        labels.add(ALL);
        labels.addAll(channels);
        return labels;
    }

    @Scheduled(every = "${touchpoint.metrics.gauge-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        List<Uni<Void>> reads = new ArrayList<>();
        for (FunnelDefinition f : catalog.all()) {
            reads.add(reader.reportsByChannel(f, channels).invoke(this::updateFunnel).replaceWithVoid());
        }
        reads.add(kpis.reportsByChannel(channels).invoke(this::updateKpis).replaceWithVoid());
        return Uni.join().all(reads).andCollectFailures().replaceWithVoid()
                // Stale gauges are better than none; readiness reports the Redis outage.
                .onFailure().invoke(e -> LOG.warnf("gauges not refreshed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void updateFunnel(Map<String, FunnelReport> byChannel) {
        byChannel.forEach((channel, report) -> {
            String label = channel == null ? ALL : channel;
            for (FunnelReport.Step step : report.steps()) {
                Tags base = Tags.of("funnel", report.funnel(), "stage", step.stage());
                if (channel == null) {
                    set(GAUGE, base, step.entered());
                }
                Tags tags = base.and("channel", label);
                set("touchpoint.funnel.step.customers", tags.and("state", "entered"), step.entered());
                if (step.convertedToNext() == null) {
                    continue;
                }
                set("touchpoint.funnel.step.customers", tags.and("state", "converted"), step.convertedToNext());
                set("touchpoint.funnel.step.customers", tags.and("state", "in_progress"), step.inProgress());
                set("touchpoint.funnel.step.customers", tags.and("state", "dropped"), step.dropped());
                set("touchpoint.funnel.conversion.ratio", tags, orNaN(step.conversionRate()));
                set("touchpoint.funnel.dropoff.ratio", tags, orNaN(step.dropOffRate()));
                if (channel == null) {
                    set("touchpoint.funnel.time.to.convert.seconds", base.and("quantile", "0.5"),
                            orNaN(step.timeToConvert().p50Seconds()));
                    set("touchpoint.funnel.time.to.convert.seconds", base.and("quantile", "0.9"),
                            orNaN(step.timeToConvert().p90Seconds()));
                }
            }
        });
    }

    private void updateKpis(Map<String, KpiReport> byChannel) {
        byChannel.forEach((channel, report) -> KPIS.forEach((kpi, read) -> set("touchpoint.kpi",
                Tags.of("kpi", kpi, "channel", channel == null ? ALL : channel), orNaN(read.apply(report)))));
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }

    /** A row of the gauge {@code name}, registered with the others of that name once all are known. */
    private void gauge(String name, String description, Tags tags, double initial) {
        Map<Tags, Double> current = values.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        current.put(tags, initial);
        descriptions.putIfAbsent(name, description);
        rows.computeIfAbsent(name, n -> new ArrayList<>())
                .add(MultiGauge.Row.of(tags, current, v -> v.getOrDefault(tags, Double.NaN)));
    }

    /** Sets a row's value; a row that configuration did not define stays unexported (labels stay bounded). */
    private void set(String name, Tags tags, double value) {
        Map<Tags, Double> current = values.get(name);
        if (current != null) {
            current.computeIfPresent(tags, (t, old) -> value);
        }
    }
}
