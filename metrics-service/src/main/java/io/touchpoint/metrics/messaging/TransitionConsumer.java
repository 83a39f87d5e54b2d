package io.touchpoint.metrics.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.service.FunnelCounter;

/**
 * Consumes journey.transitions.v1 (group {@code metrics-service}). A record that fails here is nacked and goes
 * to journey.transitions.dlq.v1 with the reason in its headers; nothing is acknowledged on error. A Redis outage
 * is not the record's fault, so it is retried (the partition waits) instead of dead-lettering good records.
 */
@ApplicationScoped
public class TransitionConsumer {

    private static final Logger LOG = Logger.getLogger(TransitionConsumer.class);

    private final TransitionParser parser;
    private final FunnelCounter counter;

    @Inject
    public TransitionConsumer(TransitionParser parser, FunnelCounter counter) {
        this.parser = parser;
        this.counter = counter;
    }

    @Incoming("journey-transitions")
    public Uni<Void> consume(String payload) {
        return Uni.createFrom().item(() -> parser.parse(payload))
                .flatMap(transition -> counter.count(transition)
                        .onFailure(CounterScript::isTransient)
                        .invoke(e -> LOG.warnf("transition %s waits for Redis: %s", transition.transitionId(),
                                e.getMessage()))
                        .onFailure(CounterScript::isTransient)
                        .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely())
                .replaceWithVoid();
    }
}
