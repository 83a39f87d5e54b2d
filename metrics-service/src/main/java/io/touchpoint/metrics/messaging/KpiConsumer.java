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
import io.touchpoint.metrics.service.KpiCounter;
import io.touchpoint.metrics.service.Touchpoint;

/**
 * Consumes touchpoints.v1 for the CX KPIs (group {@code metrics-service-kpi}, independent of journey-service) in
 * batches: one poll, one batch, counted in one pipelined round trip to Redis (ADR 0013). A record that cannot be
 * read, or that Redis refuses to count, goes to touchpoints.kpi.dlq.v1 with the reason in its headers; if the
 * batch fails as a whole for a reason other than an outage, its records are counted again one at a time and only
 * those that still fail are dead-lettered. The batch is acknowledged after all of that, so nothing is lost and errors are never swallowed. A Redis outage
 * is not the records' fault: it is retried with back-off (the partition waits).
 */
@ApplicationScoped
public class KpiConsumer {

    static final String DLQ_TOPIC = "touchpoints.kpi.dlq.v1";
    private static final Logger LOG = Logger.getLogger(KpiConsumer.class);

    private final TouchpointParser parser;
    private final KpiCounter counter;

    @Inject
    @Channel("kpi-touchpoints-dlq")
    MutinyEmitter<String> deadLetters;

    @Inject
    public KpiConsumer(TouchpointParser parser, KpiCounter counter) {
        this.parser = parser;
        this.counter = counter;
    }

    @Incoming("kpi-touchpoints")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = new ArrayList<>();
        List<Touchpoint> touchpoints = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            try {
                touchpoints.add(parser.parse(r.getPayload()));
                records.add(r);
            } catch (InvalidTouchpointException e) {
                chain = chain.chain(() -> deadLetter(r, e));
            }
        }
        return chain.chain(() -> count(records, touchpoints))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> count(List<KafkaRecord<String, String>> records, List<Touchpoint> touchpoints) {
        if (touchpoints.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return waitingForRedis(() -> counter.countAll(touchpoints), touchpoints.size())
                .chain(applied -> deadLetterFailed(records, applied))
                .onFailure(e -> !CounterScript.isTransient(e)).recoverWithUni(e -> {
                    LOG.infof("a batch of %d touchpoints failed (%s); counting them one by one", touchpoints.size(),
                            e.toString());
                    Uni<Void> one = Uni.createFrom().voidItem();
                    for (int i = 0; i < touchpoints.size(); i++) {
                        KafkaRecord<String, String> r = records.get(i);
                        List<Touchpoint> single = List.of(touchpoints.get(i));
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
                .invoke(e -> LOG.warnf("%d touchpoints wait for Redis: %s", size, e.getMessage()))
                .onFailure(CounterScript::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely();
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> r, Throwable reason) {
        return DeadLetters.send(deadLetters, DLQ_TOPIC, r, reason);
    }
}
