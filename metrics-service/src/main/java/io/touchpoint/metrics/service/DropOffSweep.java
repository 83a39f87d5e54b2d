package io.touchpoint.metrics.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript;
import io.touchpoint.metrics.repository.FunnelCounterRepository;

/**
 * Moves customers whose conversion window passed (in event time: entry time + window before now) without the
 * next stage from "in progress" to "dropped". Each entry into a non-final step leaves a deadline in a sorted
 * set; the sweep looks only at the deadlines that are due, in batches, so its cost follows the number of new
 * drops, not the number of customers. Several instances may sweep at once: each deadline is handled in one
 * atomic script call and marking a step dropped twice changes nothing.
 */
@ApplicationScoped
public class DropOffSweep {

    static final int BATCH = 500;
    private static final Logger LOG = Logger.getLogger(DropOffSweep.class);

    private final FunnelCounterRepository repository;

    @Inject
    public DropOffSweep(FunnelCounterRepository repository) {
        this.repository = repository;
    }

    @Scheduled(every = "${touchpoint.metrics.sweep-interval:30s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep(Instant.now(), CounterScript.LIVE).replaceWithVoid()
                // Drops are only late, never lost: the deadlines stay until a sweep gets through.
                .onFailure().invoke(e -> LOG.warnf("drop-off sweep failed, retried next time: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Sweeps every deadline due at {@code now}; returns how many it looked at. */
    public Uni<Long> sweep(Instant now, String target) {
        return Multi.createBy().repeating().uni(() -> repository.sweep(now, BATCH, target))
                .whilst(n -> n == BATCH)
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue));
    }
}
