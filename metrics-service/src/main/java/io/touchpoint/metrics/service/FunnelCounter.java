package io.touchpoint.metrics.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.repository.FunnelCounterRepository;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.service.Transition.CustomerErased;
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageCorrected;
import io.touchpoint.metrics.service.Transition.StageEntered;
import io.touchpoint.metrics.service.Transition.Unrecognized;

/**
 * Counts journey transitions into the funnels: each customer once per funnel and stage, conversions from one
 * step to the next, corrections that move an entry, merges that make two customers one person, and erasures
 * that take a customer out of every counter. Every transition is recorded in
 * {@code touchpoint_metrics_transitions_total{kind,outcome}}.
 * Created at start-up so every series of that counter is exposed (at zero) before the first record arrives.
 */
@Startup
@ApplicationScoped
public class FunnelCounter {

    static final String TRANSITIONS_METER = "touchpoint.metrics.transitions";
    private static final Logger LOG = Logger.getLogger(FunnelCounter.class);

    private final FunnelCounterRepository repository;
    private final MeterRegistry registry;
    private final java.util.Map<String, Counter> meters = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    public FunnelCounter(FunnelCounterRepository repository, MeterRegistry registry) {
        this.repository = repository;
        this.registry = registry;
        // Register every series up front so dashboards see zeros instead of gaps.
        for (String kind : List.of(StageEntered.KIND, StageCorrected.KIND, CustomerMerged.KIND,
                CustomerErased.KIND, Unrecognized.KIND)) {
            for (TransitionOutcome outcome : TransitionOutcome.values()) {
                meter(kind, outcome);
            }
        }
    }

    /**
     * Counts a batch of transitions in their order; one result per transition. A failed one ({@link
     * Applied#failed()}) could not be counted (the caller dead-letters it); the others are recorded in the meter.
     */
    public Uni<List<Applied>> countAll(List<Transition> transitions) {
        return repository.applyAll(transitions, CounterScript.LIVE).invoke(applied -> {
            for (int i = 0; i < applied.size(); i++) {
                Transition t = transitions.get(i);
                if (t instanceof Unrecognized unknown) {
                    LOG.debugf("skipping transition %s of unknown kind '%s'", unknown.transitionId(), unknown.wireKind());
                }
                outcomeOf(applied.get(i)).ifPresent(o -> meter(t.kind(), o).increment());
            }
        });
    }

    static java.util.Optional<TransitionOutcome> outcomeOf(Applied applied) {
        return switch (applied.outcome()) {
            case COUNTED -> java.util.Optional.of(TransitionOutcome.COUNTED);
            case DUPLICATE -> java.util.Optional.of(TransitionOutcome.DUPLICATE);
            case SKIPPED -> java.util.Optional.of(TransitionOutcome.SKIPPED);
            case FAILED -> java.util.Optional.empty();
        };
    }

    /** Looked up once per series: a batch increments thousands of times. */
    private Counter meter(String kind, TransitionOutcome outcome) {
        return meters.computeIfAbsent(kind + "|" + outcome.tag(), k -> Counter.builder(TRANSITIONS_METER)
                .description("Journey transitions consumed, by kind and what consuming them did")
                .tags("kind", kind, "outcome", outcome.tag())
                .register(registry));
    }
}
