package io.touchpoint.metrics.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
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

    public Uni<TransitionOutcome> count(Transition transition) {
        Uni<Applied> applied;
        if (transition instanceof StageEntered entered) {
            applied = repository.apply(entered);
        } else if (transition instanceof StageCorrected corrected) {
            applied = repository.apply(corrected);
        } else if (transition instanceof CustomerMerged merged) {
            applied = repository.apply(merged);
        } else if (transition instanceof CustomerErased erased) {
            applied = repository.apply(erased);
        } else {
            Unrecognized unknown = (Unrecognized) transition;
            LOG.debugf("skipping transition %s of unknown kind '%s'", unknown.transitionId(), unknown.wireKind());
            applied = Uni.createFrom().item(Applied.SKIPPED);
        }
        return applied.map(FunnelCounter::outcomeOf).invoke(o -> meter(transition.kind(), o).increment());
    }

    private static TransitionOutcome outcomeOf(Applied applied) {
        return switch (applied) {
            case COUNTED -> TransitionOutcome.COUNTED;
            case DUPLICATE -> TransitionOutcome.DUPLICATE;
            case SKIPPED -> TransitionOutcome.SKIPPED;
        };
    }

    private Counter meter(String kind, TransitionOutcome outcome) {
        return Counter.builder(TRANSITIONS_METER)
                .description("Journey transitions consumed, by kind and what consuming them did")
                .tags("kind", kind, "outcome", outcome.tag())
                .register(registry);
    }
}
