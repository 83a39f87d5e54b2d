package io.touchpoint.metrics.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.repository.KpiRepository;

/**
 * Counts KPI events from touchpoints.v1 following the tracking plan. Every touchpoint is recorded in
 * {@code touchpoint_metrics_touchpoints_total{kind,outcome}} (kind {@code none}: not a KPI event).
 */
@Startup
@ApplicationScoped
public class KpiCounter {

    static final String METER = "touchpoint.metrics.touchpoints";
    static final List<String> KINDS = List.of("survey", "case", "order", "churn", "social", "none");

    private final KpiRepository repository;
    private final MeterRegistry registry;

    @Inject
    public KpiCounter(KpiRepository repository, MeterRegistry registry) {
        this.repository = repository;
        this.registry = registry;
        for (String kind : KINDS) {
            for (TransitionOutcome outcome : TransitionOutcome.values()) {
                meter(kind, outcome);
            }
        }
    }

    public Uni<TransitionOutcome> count(Touchpoint touchpoint) {
        Optional<KpiEvent> event = TrackingPlan.measure(touchpoint);
        if (event.isEmpty()) {
            meter("none", TransitionOutcome.SKIPPED).increment();
            return Uni.createFrom().item(TransitionOutcome.SKIPPED);
        }
        return repository.apply(event.get(), CounterScript.LIVE)
                .map(a -> switch (a) {
                    case COUNTED -> TransitionOutcome.COUNTED;
                    case DUPLICATE -> TransitionOutcome.DUPLICATE;
                    case SKIPPED -> TransitionOutcome.SKIPPED;
                })
                .invoke(o -> meter(event.get().kind(), o).increment());
    }

    /** For a rebuild: the event attributed to the customer the export names, written to one generation. */
    public Uni<Applied> rebuild(Touchpoint touchpoint, String customerId, String generation) {
        Optional<KpiEvent> event = TrackingPlan.measure(touchpoint);
        return event.isEmpty() ? Uni.createFrom().item(Applied.SKIPPED)
                : repository.apply(event.get().withCustomer(customerId), generation);
    }

    private Counter meter(String kind, TransitionOutcome outcome) {
        return Counter.builder(METER)
                .description("Touchpoints consumed for the KPIs, by kind and what consuming them did")
                .tags("kind", kind, "outcome", outcome.tag())
                .register(registry);
    }
}
