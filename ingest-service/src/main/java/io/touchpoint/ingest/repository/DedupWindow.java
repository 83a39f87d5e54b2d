package io.touchpoint.ingest.repository;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.IngestMetrics;
import io.vertx.mutiny.redis.client.Response;

/**
 * Which messageIds of a source were already published, shared by every ingest instance (Redis).
 *
 * <p>A request <em>claims</em> its messageIds: {@code SET NX} of
 * {@code tp:ingest:dedup:{<sourceId>}:<messageId>} for the dedup window, whose value names the
 * request's <em>claim</em> {@code tp:ingest:claim:{<sourceId>}:<claimId>}, which is {@code pending}
 * (short TTL) while the records are in the producer. Once Kafka settled them the claim becomes
 * {@code done} for the window when Kafka acknowledged the records, or is deleted when Kafka gave up
 * on them (the messageIds of records that failed beside acknowledged ones are deleted themselves).
 * So a messageId is final only once its record is durable, and settling costs one command per
 * request instead of one per event: the claims' {@code SET}s were Redis's largest cost under load
 * (deploy/bench/ingest). A messageId whose claim is gone (given up, or its instance died and the
 * pending TTL ran out) is free again. Marks {@code done} and {@code pending} written directly under
 * the messageId (what earlier versions wrote) are still honoured.
 *
 * <p>Redis down or slower than {@code dedup.timeout}: the claim is {@link Claim#UNCHECKED} and the
 * event is published anyway. Losing an event is worse than publishing it twice, and every consumer
 * of touchpoints.v1 is idempotent on messageId (docs/adr/0002).
 */
@ApplicationScoped
public class DedupWindow {

    private static final Logger LOG = Logger.getLogger(DedupWindow.class);
    static final String PREFIX = "tp:ingest:dedup:";
    static final String CLAIM_PREFIX = "tp:ingest:claim:";

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

    /** The claims of one request: one {@link Claim} per messageId, and the claim id to settle them with. */
    public static final class Claims {
        private final String claimId;
        private final Claim[] claims;

        Claims(String claimId, Claim[] claims) {
            this.claimId = claimId;
            this.claims = claims;
        }

        public Claim get(int index) {
            return claims[index];
        }

        public int size() {
            return claims.length;
        }
    }

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    /** Claim ids: random per instance, then a counter; never "done" or "pending". */
    private final String instance = "c" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".";
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Claims every messageId of a request in one script call. ARGV: the claim id, the window (ms),
     * the pending TTL (ms), the claim key prefix of the source. Returns only the messageIds that are
     * not ours, as pairs (position from 1, 1 = duplicate | 2 = in flight): usually nothing.
     */
    private static final String CLAIM = """
            local claim, window, prefix = ARGV[1], ARGV[2], ARGV[4]
            local out, claimed = {}, false
            for i, key in ipairs(KEYS) do
              if redis.call('SET', key, claim, 'NX', 'PX', window) then
                claimed = true
              else
                local state = redis.call('GET', key)
                if state ~= 'done' and state ~= 'pending' then
                  state = redis.call('GET', prefix .. state)
                end
                if state == 'done' then
                  out[#out + 1] = i; out[#out + 1] = 1
                elseif state == 'pending' then
                  out[#out + 1] = i; out[#out + 1] = 2
                else
                  redis.call('SET', key, claim, 'PX', window)
                  claimed = true
                end
              end
            end
            if claimed then
              redis.call('SET', prefix .. claim, 'pending', 'PX', ARGV[3])
            end
            return out""";

    /**
     * KEYS[1] the claim, KEYS[2..] the messageIds Kafka gave up on; ARGV[1] the window (ms), ARGV[2]
     * 1 when Kafka acknowledged any record of the request.
     */
    private static final String SETTLE = """
            for i = 2, #KEYS do
              redis.call('DEL', KEYS[i])
            end
            if ARGV[2] == '1' then
              redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
            else
              redis.call('DEL', KEYS[1])
            end
            return 1""";

    /** Claims each messageId of one source; one Redis round trip for the lot. */
    public Uni<Claims> claim(String sourceId, List<String> messageIds) {
        int n = messageIds.size();
        String claimId = instance + Long.toString(sequence.incrementAndGet(), 36);
        String prefix = PREFIX + "{" + sourceId + "}:";
        return CLAIM_SCRIPT.run(redis, request -> {
            request.arg(n);
            for (String id : messageIds) {
                request.arg(prefix + id);
            }
            request.arg(claimId).arg(config.dedup().window().toMillis()).arg(config.dedup().pendingTtl().toMillis())
                    .arg(claimPrefix(sourceId));
        })
                .map(answer -> claims(claimId, n, answer))
                .ifNoItem().after(config.dedup().timeout()).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("dedup unavailable, publishing %d event(s) of source %s unchecked: %s", n, sourceId,
                            e.toString());
                    metrics.dedupUnavailable(sourceId, n);
                    Claim[] unchecked = new Claim[n];
                    Arrays.fill(unchecked, Claim.UNCHECKED);
                    return new Claims(null, unchecked);
                });
    }

    private static Claims claims(String claimId, int n, Response answer) {
        Claim[] claims = new Claim[n];
        Arrays.fill(claims, Claim.NEW);
        for (int i = 0; i + 1 < answer.size(); i += 2) {
            int position = answer.get(i).toInteger() - 1;
            claims[position] = answer.get(i + 1).toInteger() == 1 ? Claim.DUPLICATE : Claim.IN_FLIGHT;
        }
        return new Claims(claimId, claims);
    }

    /**
     * Settles a request's claims in one round trip once Kafka settled its records: the claim becomes
     * final for the window when any record was acknowledged, the messageIds of records Kafka gave up
     * on are forgotten (so a retry publishes them), and a claim with nothing acknowledged is deleted.
     */
    public void settle(String sourceId, Claims claims, List<String> failedMessageIds, boolean anyAcknowledged) {
        if (claims.claimId == null) {
            return; // unchecked: nothing was claimed
        }
        String prefix = PREFIX + "{" + sourceId + "}:";
        Uni<Response> settled = SETTLE_SCRIPT.run(redis, request -> {
            request.arg(1 + failedMessageIds.size()).arg(claimPrefix(sourceId) + claims.claimId);
            failedMessageIds.forEach(id -> request.arg(prefix + id));
            request.arg(config.dedup().window().toMillis()).arg(anyAcknowledged ? 1 : 0);
        });
        // A lost confirm leaves the claim to expire after the pending TTL, so a retry may publish again
        // (absorbed downstream); a lost release delays a retry by that TTL.
        settled.subscribe().with(ok -> {
        }, e -> LOG.warnf("dedup claim of source %s not settled: %s", sourceId, e.toString()));
    }

    private static final RedisScript CLAIM_SCRIPT = new RedisScript(CLAIM);
    private static final RedisScript SETTLE_SCRIPT = new RedisScript(SETTLE);

    /** The source in braces: all keys of one request share a cluster slot, as a multi-key script needs. */
    static String claimPrefix(String sourceId) {
        return CLAIM_PREFIX + "{" + sourceId + "}:";
    }
}
