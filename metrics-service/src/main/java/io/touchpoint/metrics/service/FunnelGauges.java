package io.touchpoint.metrics.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * {@code touchpoint_funnel_customers{funnel,stage}}: customers who entered each funnel step, read from Redis
 * on a schedule so a scrape never waits for Redis. Labels are funnels × stages only (bounded by config).
 */
@Startup
@ApplicationScoped
public class FunnelGauges {

    static final String GAUGE = "touchpoint.funnel.customers";
    private static final Logger LOG = Logger.getLogger(FunnelGauges.class);

    private final FunnelCatalog catalog;
    private final FunnelReader reader;
    private final Map<String, Map<String, AtomicLong>> values = new HashMap<>();

    @Inject
    public FunnelGauges(FunnelCatalog catalog, FunnelReader reader, MeterRegistry registry) {
        this.catalog = catalog;
        this.reader = reader;
        for (FunnelDefinition funnel : catalog.all()) {
            Map<String, AtomicLong> byStage = new HashMap<>();
            for (String stage : funnel.stages()) {
                AtomicLong value = new AtomicLong();
                byStage.put(stage, value);
                Gauge.builder(GAUGE, value, AtomicLong::get)
                        .description("Customers who entered the funnel step (all channels, all time)")
                        .tags("funnel", funnel.id(), "stage", stage)
                        .register(registry);
            }
            values.put(funnel.id(), byStage);
        }
    }

    @Scheduled(every = "${touchpoint.metrics.gauge-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        List<Uni<FunnelReport>> reads = catalog.all().stream()
                .map(f -> reader.report(f.id(), Optional.empty()).invoke(this::update))
                .toList();
        return Uni.join().all(reads).andCollectFailures().replaceWithVoid()
                // Stale gauges are better than none; readiness reports the Redis outage.
                .onFailure().invoke(e -> LOG.warnf("funnel gauges not refreshed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void update(FunnelReport report) {
        Map<String, AtomicLong> byStage = values.get(report.funnel());
        for (FunnelReport.Step step : report.steps()) {
            byStage.get(step.stage()).set(step.entered());
        }
    }
}
