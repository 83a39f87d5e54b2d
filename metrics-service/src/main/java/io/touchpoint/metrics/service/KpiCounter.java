package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.Collections;
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
    private final java.util.Map<String, Counter> meters = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Counts a batch of touchpoints in their order; one result per touchpoint ({@link Applied#SKIPPED} for one that
     * is no KPI event). A failed one could not be counted (the caller dead-letters it).
     */
    public Uni<List<Applied>> countAll(List<Touchpoint> touchpoints) {
        List<KpiEvent> events = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < touchpoints.size(); i++) {
            Optional<KpiEvent> event = TrackingPlan.measure(touchpoints.get(i));
            if (event.isPresent()) {
                events.add(event.get());
                positions.add(i);
            }
        }
        return repository.applyAll(events, CounterScript.LIVE).map(applied -> {
            List<Applied> out = new ArrayList<>(Collections.nCopies(touchpoints.size(), Applied.SKIPPED));
            int none = touchpoints.size() - events.size();
            for (int k = 0; k < applied.size(); k++) {
                out.set(positions.get(k), applied.get(k));
                Applied a = applied.get(k);
                String kind = events.get(k).kind();
                FunnelCounter.outcomeOf(a).ifPresent(o -> meter(kind, o).increment());
            }
            if (none > 0) {
                meter("none", TransitionOutcome.SKIPPED).increment(none);
            }
            return out;
        });
    }

    /**
     * For a rebuild: the events attributed to the customers the export names, written to one generation.
     * Touchpoints that are no KPI event still link their identifiers to the customer.
     */
    public Uni<List<Applied>> rebuildAll(List<KpiEvent> events, String generation) {
        return repository.applyAll(events, generation);
    }

    /** Looked up once per series: a batch increments thousands of times. */
    private Counter meter(String kind, TransitionOutcome outcome) {
        return meters.computeIfAbsent(kind + "|" + outcome.tag(), k -> Counter.builder(METER)
                .description("Touchpoints consumed for the KPIs, by kind and what consuming them did")
                .tags("kind", kind, "outcome", outcome.tag())
                .register(registry));
    }
}
