package io.touchpoint.journey.service;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The service's own counters, registered at start-up so Prometheus sees them (at 0) before the first
 * record: {@code touchpoint_journey_touchpoints_total{outcome=stored|duplicate|suppressed|invalid}},
 * {@code touchpoint_journey_customers_erased_total},
 * {@code touchpoint_journey_transitions_published_total} and
 * {@code touchpoint_journey_touchpoints_set_aside_total}.
 */
@Startup
@Singleton
public class JourneyMetrics {

    private final Counter stored;
    private final Counter duplicates;
    private final Counter published;
    private final Counter suppressed;
    private final Counter invalid;
    private final Counter erased;
    private final Counter setAside;

    @Inject
    public JourneyMetrics(MeterRegistry registry) {
        String touchpoints = "touchpoints.v1 records processed, by outcome";
        this.stored = Counter.builder("touchpoint.journey.touchpoints").tag("outcome", "stored")
                .description(touchpoints).register(registry);
        this.duplicates = Counter.builder("touchpoint.journey.touchpoints").tag("outcome", "duplicate")
                .description(touchpoints).register(registry);
        this.suppressed = Counter.builder("touchpoint.journey.touchpoints").tag("outcome", "suppressed")
                .description(touchpoints).register(registry);
        this.invalid = Counter.builder("touchpoint.journey.touchpoints").tag("outcome", "invalid")
                .description(touchpoints).register(registry);
        this.erased = Counter.builder("touchpoint.journey.customers.erased")
                .description("customers erased through DELETE /customers/{id}").register(registry);
        this.setAside = Counter.builder("touchpoint.journey.touchpoints.set.aside")
                .description("records a transaction left for the next one because another transaction (another"
                        + " instance) held one of their identifiers or customers; counted each time")
                .register(registry);
        this.published = Counter.builder("touchpoint.journey.transitions.published")
                .description("journey.transitions.v1 records acknowledged by Kafka").register(registry);
    }

    public void touchpoint(JourneyStitcher.Outcome outcome) {
        switch (outcome) {
            case STORED -> stored.increment();
            case DUPLICATE -> duplicates.increment();
            case SUPPRESSED -> suppressed.increment();
            case INVALID -> invalid.increment();
        }
    }

    public void setAside(int count) {
        setAside.increment(count);
    }

    public void erased() {
        erased.increment();
    }

    public void published(int count) {
        published.increment(count);
    }
}
