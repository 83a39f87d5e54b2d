package io.touchpoint.metrics.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.metrics.service.KpiCounter;
import io.touchpoint.metrics.service.Touchpoint;

/**
 * Consumes touchpoints.v1 for the CX KPIs (group {@code metrics-service-kpi}, independent of journey-service) in
 * batches, counted as {@link BatchCounting} says; unreadable or uncountable records go to touchpoints.kpi.dlq.v1.
 */
@ApplicationScoped
public class KpiConsumer {

    static final String DLQ_TOPIC = "touchpoints.kpi.dlq.v1";

    @Inject
    @Channel("kpi-touchpoints-dlq")
    MutinyEmitter<String> deadLetters;

    private final BatchCounting<Touchpoint> counting;

    @Inject
    public KpiConsumer(TouchpointParser parser, KpiCounter counter) {
        this.counting = new BatchCounting<>("touchpoints", parser::parse, counter::countAll, () -> deadLetters, DLQ_TOPIC);
    }

    @Incoming("kpi-touchpoints")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return counting.consume(batch);
    }
}
