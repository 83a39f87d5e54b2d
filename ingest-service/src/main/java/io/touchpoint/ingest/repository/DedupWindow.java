package io.touchpoint.ingest.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.IngestMetrics;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Which messageIds of a source were already published, shared by every ingest instance (Redis).
 *
 * <p>A messageId is first <em>claimed</em> ({@code SET NX} with a short TTL, value {@code pending}),
 * then <em>confirmed</em> ({@code done}, kept for the dedup window) only after Kafka acknowledged the
 * record, or <em>released</em> (deleted) when Kafka gave up on it. So a mark is never final before
 * the record is durable: an SDK retry after a 503 is published again unless the first attempt did
 * land after all, in which case it is a duplicate. A retry that arrives while the first attempt is
 * still in the producer is told to come back later ({@link Claim#IN_FLIGHT}).
 *
 * <p>Redis down or slower than {@code dedup.timeout}: the claim is {@link Claim#UNCHECKED} and the
 * event is published anyway. Losing an event is worse than publishing it twice, and every consumer
 * of touchpoints.v1 is idempotent on messageId (docs/adr/0002).
 */
@ApplicationScoped
public class DedupWindow {

    private static final Logger LOG = Logger.getLogger(DedupWindow.class);
    private static final String PREFIX = "tp:ingest:dedup:";
    private static final String PENDING = "pending";
    private static final String DONE = "done";

    public enum Claim {
        /** Ours to publish. */
        NEW,
        /** Published and acknowledged before: acknowledge the client, publish nothing. */
        DUPLICATE,
        /** An earlier attempt is still waiting for Kafka: answer 503 so the client retries later. */
        IN_FLIGHT,
        /** Redis did not answer: publish without dedup. */
        UNCHECKED
    }

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    /** Claims each messageId of one source; one Redis round trip for the lot (two if some were seen). */
    public Uni<List<Claim>> claim(String sourceId, List<String> messageIds) {
        long pendingMs = config.dedup().pendingTtl().toMillis();
        List<Request> sets = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            sets.add(Request.cmd(Command.SET).arg(key(sourceId, id)).arg(PENDING).arg("NX").arg("PX").arg(pendingMs));
        }
        return redis.getRedis().batch(sets)
                .chain(answers -> {
                    List<Integer> taken = new ArrayList<>();
                    for (int i = 0; i < answers.size(); i++) {
                        if (answers.get(i) == null) {
                            taken.add(i);
                        }
                    }
                    if (taken.isEmpty()) {
                        return Uni.createFrom().item(nCopies(messageIds.size(), Claim.NEW));
                    }
                    List<Request> gets = taken.stream()
                            .map(i -> Request.cmd(Command.GET).arg(key(sourceId, messageIds.get(i)))).toList();
                    return redis.getRedis().batch(gets).map(values -> {
                        List<Claim> claims = nCopies(messageIds.size(), Claim.NEW);
                        for (int j = 0; j < taken.size(); j++) {
                            Response value = values.get(j);
                            // gone between SET and GET (released): treat as taken by the other attempt
                            claims.set(taken.get(j), value != null && DONE.equals(value.toString()) ? Claim.DUPLICATE
                                    : Claim.IN_FLIGHT);
                        }
                        return claims;
                    });
                })
                .ifNoItem().after(config.dedup().timeout()).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("dedup unavailable, publishing %d event(s) of source %s unchecked: %s", messageIds.size(),
                            sourceId, e.toString());
                    metrics.dedupUnavailable(sourceId, messageIds.size());
                    return nCopies(messageIds.size(), Claim.UNCHECKED);
                });
    }

    /**
     * Settles the claims of one request in one round trip: the acknowledged messageIds are remembered
     * for the whole window, the ones Kafka gave up on are forgotten so a retry publishes them.
     */
    public void settle(String sourceId, List<String> acknowledged, List<String> failed) {
        List<Request> requests = new ArrayList<>(acknowledged.size() + failed.size());
        long windowMs = config.dedup().window().toMillis();
        for (String id : acknowledged) {
            requests.add(Request.cmd(Command.SET).arg(key(sourceId, id)).arg(DONE).arg("PX").arg(windowMs));
        }
        for (String id : failed) {
            requests.add(Request.cmd(Command.DEL).arg(key(sourceId, id)));
        }
        if (requests.isEmpty()) {
            return;
        }
        // A lost confirm only shortens the mark to the pending TTL; a lost release delays a retry by it.
        redis.getRedis().batch(requests).subscribe().with(ok -> {
        }, e -> LOG.warnf("dedup marks of %d event(s) of source %s not updated: %s", requests.size(), sourceId,
                e.toString()));
    }

    private static String key(String sourceId, String messageId) {
        return PREFIX + sourceId + ":" + messageId;
    }

    private static List<Claim> nCopies(int n, Claim claim) {
        List<Claim> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(claim);
        }
        return list;
    }
}
