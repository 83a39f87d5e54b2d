package io.touchpoint.metrics.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.service.FunnelCounter;
import io.touchpoint.metrics.service.Transition;

/**
 * Consumes journey.transitions.v1 (group {@code metrics-service}) in batches: one poll, one batch, counted in one
 * pipelined round trip to Redis (ADR 0013). A record that cannot be read, or that Redis refuses to count, goes to
 * journey.transitions.dlq.v1 with the reason in its headers; if the batch fails as a whole for a reason other
 * than an outage, its records are counted again one at a time and only those that still fail are dead-lettered.
 * The batch is acknowledged after all of that, so nothing is lost and errors are never swallowed. A Redis outage
 * is not the records' fault: it is retried with back-off (the partition waits).
 */
@ApplicationScoped
public class TransitionConsumer {

    static final String DLQ_TOPIC = "journey.transitions.dlq.v1";
    private static final Logger LOG = Logger.getLogger(TransitionConsumer.class);

    private final TransitionParser parser;
    private final FunnelCounter counter;

    @Inject
    @Channel("journey-transitions-dlq")
    MutinyEmitter<String> deadLetters;

    @Inject
    public TransitionConsumer(TransitionParser parser, FunnelCounter counter) {
        this.parser = parser;
        this.counter = counter;
    }

    @Incoming("journey-transitions")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = new ArrayList<>();
        List<Transition> transitions = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            try {
                transitions.add(parser.parse(r.getPayload()));
                records.add(r);
            } catch (InvalidTransitionException e) {
                chain = chain.chain(() -> deadLetter(r, e));
            }
        }
        return chain.chain(() -> count(records, transitions))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> count(List<KafkaRecord<String, String>> records, List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return waitingForRedis(() -> counter.countAll(transitions), transitions.size())
                .chain(applied -> deadLetterFailed(records, applied))
                .onFailure(e -> !CounterScript.isTransient(e)).recoverWithUni(e -> {
                    LOG.infof("a batch of %d transitions failed (%s); counting them one by one", transitions.size(),
                            e.toString());
                    Uni<Void> one = Uni.createFrom().voidItem();
                    for (int i = 0; i < transitions.size(); i++) {
                        KafkaRecord<String, String> r = records.get(i);
                        List<Transition> single = List.of(transitions.get(i));
                        one = one.chain(() -> waitingForRedis(() -> counter.countAll(single), 1)
                                .chain(applied -> deadLetterFailed(List.of(r), applied))
                                .onFailure(x -> !CounterScript.isTransient(x)).recoverWithUni(x -> deadLetter(r, x)));
                    }
                    return one;
                });
    }

    private Uni<Void> deadLetterFailed(List<KafkaRecord<String, String>> records, List<Applied> applied) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < applied.size(); i++) {
            if (applied.get(i).failed()) {
                KafkaRecord<String, String> r = records.get(i);
                UncountableRecordException reason = new UncountableRecordException(applied.get(i).error());
                chain = chain.chain(() -> deadLetter(r, reason));
            }
        }
        return chain;
    }

    private static Uni<List<Applied>> waitingForRedis(Supplier<Uni<? extends List<Applied>>> count, int size) {
        return Uni.createFrom().<List<Applied>>deferred(count)
                .onFailure(CounterScript::isTransient)
                .invoke(e -> LOG.warnf("%d transitions wait for Redis: %s", size, e.getMessage()))
                .onFailure(CounterScript::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely();
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> r, Throwable reason) {
        return DeadLetters.send(deadLetters, DLQ_TOPIC, r, reason);
    }
}
