package io.touchpoint.journey.messaging;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.repository.OutboxStore;
import io.touchpoint.journey.service.JourneyMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Publishes outbox rows to {@code journey.transitions.v1}, keyed by customerId, in id order. A pass
 * deletes its rows in a transaction that holds the relay's advisory lock (one pass at a time across
 * instances, so the order holds with several; a pass that finds it taken comes back a little later
 * instead of waiting in PostgreSQL) and commits only after Kafka acknowledged every one of them (acks=all). If a publication fails or the service dies before the commit, the transaction rolls
 * back, the rows are there again and the next pass (of any instance) publishes them: at least once,
 * consumers dedupe by transitionId.
 */
@ApplicationScoped
public class TransitionRelay {

    private static final Logger LOG = Logger.getLogger(TransitionRelay.class);

    /** The plain reactive pool: two fixed statements per pass, no ORM session needed. */
    @Inject
    Pool pool;

    @Inject
    OutboxStore outbox;

    @Inject
    JourneyConfig config;

    @Inject
    Vertx vertx;

    @Inject
    @Channel("transitions")
    MutinyEmitter<String> emitter;

    @Inject
    JourneyMetrics metrics;

    /** One pass at a time per instance; a trigger during a pass asks for another pass after it. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** Leftovers: rows of transactions whose trigger was lost (crash, failed pass, another instance). */
    @Scheduled(every = "${touchpoint.outbox.poll-interval}", skipExecutionIf = RelayStartGate.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        trigger();
    }

    /** Starts a relay pass unless one is running (then that one goes on until the outbox is drained). */
    public void trigger() {
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // a fresh duplicated context: the pass runs apart from whatever the caller is doing on its context
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> drain(context));
    }

    /** Back-off of a pass that found another instance's pass running (ms, doubled up to a second). */
    private long busyDelay = BUSY_DELAY_MS;
    private static final long BUSY_DELAY_MS = 10;

    private void drain(Context context) {
        again.set(false);
        pass(context).subscribe().with(
                count -> {
                    if (count < 0) {
                        // another instance's pass holds the lock: it publishes what it took; come back for the rest
                        again.set(true);
                        long delay = busyDelay;
                        busyDelay = Math.min(1_000, busyDelay * 2);
                        vertx.setTimer(delay, id -> context.runOnContext(v -> drain(context)));
                        return;
                    }
                    busyDelay = BUSY_DELAY_MS;
                    // a full pass may have left rows behind; a short one drained the outbox, unless a
                    // trigger arrived meanwhile (an empty pass costs a transaction and an index scan)
                    if (count >= config.outbox().batchSize() || again.get()) {
                        drain(context);
                    } else {
                        finish(context);
                    }
                },
                failure -> {
                    LOG.warnf("outbox relay pass failed, the rows stay unsent and are retried: %s", failure.toString());
                    running.set(false);
                });
    }

    private void finish(Context context) {
        running.set(false);
        // a trigger that arrived between the last pass and the flag reset must not be lost
        if (again.get() && running.compareAndSet(false, true)) {
            context.runOnContext(v -> drain(context));
        }
    }

    /**
     * One batch: take (delete) in id order, publish in order, wait for every ack, commit. Returns rows
     * published, -1 when another instance's pass holds the relay lock.
     */
    Uni<Integer> pass(Context context) {
        return pool.withTransaction(c -> outbox.takeUnsent(c, config.outbox().batchSize())
                .chain(rows -> {
                    if (rows == null) {
                        return Uni.createFrom().item(-1);
                    }
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Void>> sends = rows.stream().map(this::send).toList();
                    return Uni.join().all(sends).andFailFast()
                            // acks arrive on Kafka's thread; the transaction goes on on this context
                            .emitOn(r -> context.runOnContext(x -> r.run()))
                            .invoke(() -> metrics.published(rows.size()))
                            .replaceWith(rows.size());
                }));
    }

    private Uni<Void> send(OutboxStore.Pending row) {
        Message<String> message = Message.of(row.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(row.key()).build());
        return emitter.sendMessage(message);
    }
}
