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

/**
 * Which messageIds of a source were already published, shared by every ingest instance (Redis).
 *
 * <p>A messageId is first <em>claimed</em> ({@code SET NX} with a short TTL, value {@code pending};
 * key {@code tp:ingest:dedup:{<sourceId>}:<messageId>}),
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

    /**
     * Claims every messageId of a request in one script call: SET NX with the pending TTL, and for
     * the ones already there whether they are done (0 = new, 1 = duplicate, 2 = in flight). One
     * command instead of one per event: the per-command cost in Redis and in the client was larger
     * than Kafka's per record under load (deploy/bench/ingest).
     */
    private static final String CLAIM = """
            local out = {}
            for i, key in ipairs(KEYS) do
              if redis.call('SET', key, 'pending', 'NX', 'PX', ARGV[1]) then
                out[i] = 0
              elseif redis.call('GET', key) == 'done' then
                out[i] = 1
              else
                out[i] = 2
              end
            end
            return out""";

    /** The first ARGV[2] keys were acknowledged (done for ARGV[1] ms), the rest are released. */
    private static final String SETTLE = """
            local acked = tonumber(ARGV[2])
            for i, key in ipairs(KEYS) do
              if i <= acked then
                redis.call('SET', key, 'done', 'PX', ARGV[1])
              else
                redis.call('DEL', key)
              end
            end
            return #KEYS""";

    /** Claims each messageId of one source; one Redis round trip for the lot. */
    public Uni<List<Claim>> claim(String sourceId, List<String> messageIds) {
        Request eval = Request.cmd(Command.EVAL).arg(CLAIM).arg(messageIds.size());
        for (String id : messageIds) {
            eval.arg(key(sourceId, id));
        }
        eval.arg(config.dedup().pendingTtl().toMillis());
        return redis.getRedis().send(eval)
                .map(answer -> {
                    List<Claim> claims = new ArrayList<>(messageIds.size());
                    for (int i = 0; i < messageIds.size(); i++) {
                        int code = answer.get(i).toInteger();
                        claims.add(code == 0 ? Claim.NEW : code == 1 ? Claim.DUPLICATE : Claim.IN_FLIGHT);
                    }
                    return claims;
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
        if (acknowledged.isEmpty() && failed.isEmpty()) {
            return;
        }
        Request eval = Request.cmd(Command.EVAL).arg(SETTLE).arg(acknowledged.size() + failed.size());
        acknowledged.forEach(id -> eval.arg(key(sourceId, id)));
        failed.forEach(id -> eval.arg(key(sourceId, id)));
        eval.arg(config.dedup().window().toMillis()).arg(acknowledged.size());
        // A lost confirm only shortens the mark to the pending TTL; a lost release delays a retry by it.
        redis.getRedis().send(eval).subscribe().with(ok -> {
        }, e -> LOG.warnf("dedup marks of %d event(s) of source %s not updated: %s",
                acknowledged.size() + failed.size(), sourceId, e.toString()));
    }

    /** The source in braces: all keys of one request share a cluster slot, as a multi-key script needs. */
    private static String key(String sourceId, String messageId) {
        return PREFIX + "{" + sourceId + "}:" + messageId;
    }

    private static List<Claim> nCopies(int n, Claim claim) {
        List<Claim> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(claim);
        }
        return list;
    }
}
