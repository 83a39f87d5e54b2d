package io.touchpoint.metrics.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.service.KpiCounter;

/**
 * Consumes touchpoints.v1 for the CX KPIs (group {@code metrics-service-kpi}, independent of journey-service).
 * A record that cannot be read is nacked and goes to touchpoints.kpi.dlq.v1 with the reason in its headers; a
 * Redis outage is retried (the partition waits), never dead-lettered.
 */
@ApplicationScoped
public class KpiConsumer {

    private static final Logger LOG = Logger.getLogger(KpiConsumer.class);

    private final TouchpointParser parser;
    private final KpiCounter counter;

    @Inject
    public KpiConsumer(TouchpointParser parser, KpiCounter counter) {
        this.parser = parser;
        this.counter = counter;
    }

    @Incoming("kpi-touchpoints")
    public Uni<Void> consume(String payload) {
        return Uni.createFrom().item(() -> parser.parse(payload))
                .flatMap(touchpoint -> counter.count(touchpoint)
                        .onFailure(CounterScript::isTransient)
                        .invoke(e -> LOG.warnf("touchpoint %s waits for Redis: %s", touchpoint.messageId(),
                                e.getMessage()))
                        .onFailure(CounterScript::isTransient)
                        .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely())
                .replaceWithVoid();
    }
}
