package io.touchpoint.metrics.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.conventions.messaging.DeadLetters;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;

/**
 * How a consumer counts one poll (ADR 0013): the readable records of the batch in one pipelined round trip to
 * Redis, a record that cannot be read or that Redis refuses to count to the dead letters with the reason in its
 * headers; if the batch fails as a whole for a reason other than an outage, its records are counted again one at
 * a time and only those that still fail are dead-lettered. The batch is acknowledged after all of that, so nothing
 * is lost and errors are never swallowed. A Redis outage is not the records' fault: it is retried with back-off
 * (the partition waits).
 *
 * @param <T> what one record is read into
 */
final class BatchCounting<T> {

    private static final Logger LOG = Logger.getLogger(BatchCounting.class);

    private final String noun;
    private final Function<String, T> parse;
    private final Function<List<T>, Uni<List<Applied>>> countAll;
    private final Supplier<MutinyEmitter<String>> deadLetters;
    private final String deadLetterTopic;

    /**
     * @param noun what the records are, for the log ("transitions")
     * @param parse reads one payload; throws {@link UnreadableRecordException} for one off the contract
     * @param countAll counts records in one round trip, one {@link Applied} per record in order
     * @param deadLetters the emitter of the dead-letter channel (looked up when needed: it is injected late)
     */
    BatchCounting(String noun, Function<String, T> parse, Function<List<T>, Uni<List<Applied>>> countAll,
            Supplier<MutinyEmitter<String>> deadLetters, String deadLetterTopic) {
        this.noun = noun;
        this.parse = parse;
        this.countAll = countAll;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
    }

    Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = new ArrayList<>();
        List<T> items = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            try {
                items.add(parse.apply(r.getPayload()));
                records.add(r);
            } catch (UnreadableRecordException e) {
                chain = chain.chain(() -> deadLetter(r, e));
            }
        }
        return chain.chain(() -> count(records, items))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> count(List<KafkaRecord<String, String>> records, List<T> items) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return waitingForRedis(() -> countAll.apply(items), items.size())
                .chain(applied -> deadLetterFailed(records, applied))
                .onFailure(e -> !CounterScript.isTransient(e)).recoverWithUni(e -> {
                    LOG.infof("a batch of %d %s failed (%s); counting them one by one", items.size(), noun,
                            e.toString());
                    Uni<Void> one = Uni.createFrom().voidItem();
                    for (int i = 0; i < items.size(); i++) {
                        KafkaRecord<String, String> r = records.get(i);
                        List<T> single = List.of(items.get(i));
                        one = one.chain(() -> waitingForRedis(() -> countAll.apply(single), 1)
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

    private Uni<List<Applied>> waitingForRedis(Supplier<Uni<? extends List<Applied>>> count, int size) {
        return Uni.createFrom().<List<Applied>>deferred(count)
                .onFailure(CounterScript::isTransient)
                .invoke(e -> LOG.warnf("%d %s wait for Redis: %s", size, noun, e.getMessage()))
                .onFailure(CounterScript::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely();
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> r, Throwable reason) {
        return DeadLetters.send(deadLetters.get(), deadLetterTopic, r, reason);
    }
}
