package io.touchpoint.journey.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.conventions.messaging.DeadLetters;
import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.service.InvalidTouchpointException;
import io.touchpoint.journey.service.JourneyStitcher;
import io.touchpoint.journey.service.TouchpointEvent;
import io.touchpoint.journey.service.TouchpointParser;

/**
 * Reads {@code touchpoints.v1} (consumer group journey-service) in batches (one poll, up to
 * {@code max.poll.records}). Records are stitched in transactions of {@code touchpoint.consumer.transaction-size}
 * records; if one such transaction fails for a reason other than an outage, its records are redone one
 * per transaction, and a record that still fails (or cannot be parsed) goes to {@code touchpoints.dlq.v1}
 * with the reason in {@code dead-letter-*} headers. The batch is acknowledged only after all of that,
 * so nothing is lost and errors are never swallowed.
 */
@ApplicationScoped
public class TouchpointConsumer {

    private static final Logger LOG = Logger.getLogger(TouchpointConsumer.class);
    static final String DLQ_TOPIC = "touchpoints.dlq.v1";

    @Inject
    JourneyStitcher stitcher;

    @Inject
    TransitionRelay relay;

    @Inject
    JourneyConfig config;

    @Inject
    @Channel("touchpoints-dlq")
    MutinyEmitter<String> deadLetters;

    /** A consumed record and, once parsed, its touchpoint. */
    private record Item(KafkaRecord<String, String> record, TouchpointEvent event) {
    }

    @Incoming("touchpoints")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<Item> parsed = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            try {
                parsed.add(new Item(r, TouchpointParser.parse(r.getPayload())));
            } catch (RuntimeException e) {
                chain = chain.chain(() -> deadLetter(r, e));
            }
        }
        int size = Math.max(1, config.consumer().transactionSize());
        for (int from = 0; from < parsed.size(); from += size) {
            List<Item> chunk = parsed.subList(from, Math.min(parsed.size(), from + size));
            chain = chain.chain(() -> stitch(chunk));
        }
        return chain
                // publish right after the commits instead of waiting for the next scheduled pass
                .invoke(relay::trigger)
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> stitch(List<Item> chunk) {
        return stitcher.recordAll(chunk.stream().map(Item::event).toList())
                .chain(outcomes -> {
                    Uni<Void> invalid = Uni.createFrom().voidItem();
                    for (int i = 0; i < chunk.size(); i++) {
                        Item item = chunk.get(i);
                        if (outcomes.get(i) == JourneyStitcher.Outcome.INVALID) {
                            invalid = invalid.chain(() -> deadLetter(item.record(), invalid()));
                        }
                    }
                    return invalid;
                })
                .onFailure(e -> !DatabaseOutage.isOutage(e)).recoverWithUni(e -> {
                    LOG.infof("a transaction of %d touchpoints failed (%s); redoing them one by one", chunk.size(),
                            e.toString());
                    Uni<Void> one = Uni.createFrom().voidItem();
                    for (Item i : chunk) {
                        one = one.chain(() -> stitcher.record(i.event())
                                .chain(outcome -> outcome == JourneyStitcher.Outcome.INVALID ? deadLetter(i.record(), invalid())
                                        : Uni.createFrom().voidItem())
                                .onFailure(x -> !DatabaseOutage.isOutage(x)).recoverWithUni(x -> deadLetter(i.record(), x)));
                    }
                    return one;
                });
    }

    private static InvalidTouchpointException invalid() {
        return new InvalidTouchpointException(JourneyStitcher.INVALID_REASON);
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> r, Throwable reason) {
        return DeadLetters.send(deadLetters, DLQ_TOPIC, r, reason);
    }
}
