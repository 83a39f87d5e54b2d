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
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageEntered;
import io.touchpoint.metrics.service.Transition.Unrecognized;

/**
 * Counts journey transitions into the funnels: each customer once per funnel and stage, conversions from one
 * step to the next, and merges that make two customers one person. Every transition is recorded in
 * {@code touchpoint_metrics_transitions_total{kind,outcome}}.
 * Created at start-up so every series of that counter is exposed (at zero) before the first record arrives.
 */
@Startup
@ApplicationScoped
public class FunnelCounter {

    static final String TRANSITIONS_METER = "touchpoint.metrics.transitions";
    private static final Logger LOG = Logger.getLogger(FunnelCounter.class);

    private final FunnelCatalog catalog;
    private final FunnelCounterRepository repository;
    private final MeterRegistry registry;

    @Inject
    public FunnelCounter(FunnelCatalog catalog, FunnelCounterRepository repository, MeterRegistry registry) {
        this.catalog = catalog;
        this.repository = repository;
        this.registry = registry;
        // Register every series up front so dashboards see zeros instead of gaps.
        for (String kind : List.of(StageEntered.KIND, CustomerMerged.KIND, Unrecognized.KIND)) {
            for (TransitionOutcome outcome : TransitionOutcome.values()) {
                meter(kind, outcome);
            }
        }
    }

    public Uni<TransitionOutcome> count(Transition transition) {
        Uni<TransitionOutcome> outcome;
        if (transition instanceof StageEntered entered) {
            outcome = catalog.isCounted(entered.stage())
                    ? repository.apply(entered).map(FunnelCounter::outcomeOf)
                    : Uni.createFrom().item(TransitionOutcome.SKIPPED);
        } else if (transition instanceof CustomerMerged merged) {
            outcome = repository.apply(merged).map(FunnelCounter::outcomeOf);
        } else {
            Unrecognized unknown = (Unrecognized) transition;
            LOG.debugf("skipping transition %s of unknown kind '%s'", unknown.transitionId(), unknown.wireKind());
            outcome = Uni.createFrom().item(TransitionOutcome.SKIPPED);
        }
        return outcome.invoke(o -> meter(transition.kind(), o).increment());
    }

    private static TransitionOutcome outcomeOf(boolean applied) {
        return applied ? TransitionOutcome.COUNTED : TransitionOutcome.DUPLICATE;
    }

    private Counter meter(String kind, TransitionOutcome outcome) {
        return Counter.builder(TRANSITIONS_METER)
                .description("Journey transitions consumed, by kind and what consuming them did")
                .tags("kind", kind, "outcome", outcome.tag())
                .register(registry);
    }
}
