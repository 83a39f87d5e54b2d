package io.touchpoint.metrics.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.metrics.service.FunnelCounter;
import io.touchpoint.metrics.service.Transition;

/**
 * Consumes journey.transitions.v1 (group {@code metrics-service}) in batches, counted as {@link BatchCounting} says;
 * unreadable or uncountable records go to journey.transitions.dlq.v1.
 */
@ApplicationScoped
public class TransitionConsumer {

    static final String DLQ_TOPIC = "journey.transitions.dlq.v1";

    @Inject
    @Channel("journey-transitions-dlq")
    MutinyEmitter<String> deadLetters;

    private final BatchCounting<Transition> counting;

    @Inject
    public TransitionConsumer(TransitionParser parser, FunnelCounter counter) {
        this.counting = new BatchCounting<>("transitions", parser::parse, counter::countAll, () -> deadLetters, DLQ_TOPIC);
    }

    @Incoming("journey-transitions")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return counting.consume(batch);
    }
}
