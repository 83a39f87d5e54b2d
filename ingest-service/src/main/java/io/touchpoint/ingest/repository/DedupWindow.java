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
 * <p>A request <em>claims</em> its messageIds in one script call. The messageIds of a source live in
 * time buckets as long as the dedup window, one hash each ({@code tp:ingest:dedup-bucket:{<sourceId>}:<n>},
 * n = Redis time / window, expiring two windows and a minute after the bucket began): field = the
 * messageId, value = {@code <claim time ms>:<claimId>}. A claim looks the messageIds up in the current
 * and the previous bucket ({@code HMGET} each; an entry of the previous bucket counts only while it is
 * younger than the window, so the window stays exact) and writes the new ones with one {@code HSET}:
 * a few Redis commands per request instead of a key with its own TTL per messageId, which was most of
 * Redis's work under load (deploy/bench/ingest). The value names the request's <em>claim</em>
 * {@code tp:ingest:claim:{<sourceId>}:<claimId>}, {@code pending} (short TTL) while the records are
 * in the producer; once Kafka settled them the claim becomes {@code done} for the window when Kafka
 * acknowledged any record, or is deleted when Kafka gave up on them all (the messageIds of records
 * that failed beside acknowledged ones are removed from the bucket). So a messageId is final only
 * once its record is durable, and settling costs one command per request. A messageId whose claim is
 * gone (given up, or its instance died and the pending TTL ran out) is free again.
 *
 * <p>Only clients' messageIds are claimed: one that ingest generated cannot repeat.
 *
 * <p>Redis down or slower than {@code dedup.timeout}: the claim is {@link Claim#UNCHECKED} and the
 * event is published anyway. Losing an event is worse than publishing it twice, and every consumer
 * of touchpoints.v1 is idempotent on messageId (docs/adr/0002).
 */
@ApplicationScoped
public class DedupWindow {

    private static final Logger LOG = Logger.getLogger(DedupWindow.class);
    static final String BUCKET_PREFIX = "tp:ingest:dedup-bucket:";
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

    /** The claims of one request: one {@link Claim} per messageId, and the claim to settle them with. */
    public static final class Claims {
        private final String claimId;
        private final long bucket;
        private final Claim[] claims;

        Claims(String claimId, long bucket, Claim[] claims) {
            this.claimId = claimId;
            this.bucket = bucket;
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
     * Claims the messageIds of a request in one script call. ARGV: the claim id, the window (ms), the
     * pending TTL (ms), the bucket key prefix and the claim key prefix of the source, then the
     * messageIds. Returns the bucket written, then only the messageIds that are not ours, as pairs
     * (position from 1, 1 = duplicate | 2 = in flight): usually nothing. Redis's own clock decides, so
     * every instance sees the same buckets. Commands take at most 1000 messageIds each (Lua's unpack).
     */
    private static final String CLAIM = """
            local claim, window, pending_ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
            local prefix, claim_prefix, first = ARGV[4], ARGV[5], 6
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local bucket = math.floor(now / window)
            local current, previous = prefix .. bucket, prefix .. (bucket - 1)
            local n = #ARGV - first + 1
            local function lookup(key)
              local found = {}
              for from = first, #ARGV, 1000 do
                local part = redis.call('HMGET', key, unpack(ARGV, from, math.min(from + 999, #ARGV)))
                for j = 1, #part do found[from - first + j] = part[j] end
              end
              return found
            end
            local now_found, before_found = lookup(current), lookup(previous)
            local out, fields, states = {bucket}, {}, {}
            local stamp = now .. ':' .. claim
            for i = 1, n do
              local entry = now_found[i]
              if not entry then
                entry = before_found[i]
                if entry and now - tonumber(string.match(entry, '^%d+')) >= window then entry = false end
              end
              local state = false
              if entry then
                local owner = string.match(entry, ':(.*)$')
                state = states[owner]
                if state == nil then
                  state = redis.call('GET', claim_prefix .. owner)
                  states[owner] = state
                end
              end
              if state == 'done' then
                out[#out + 1] = i; out[#out + 1] = 1
              elseif state == 'pending' then
                out[#out + 1] = i; out[#out + 1] = 2
              else
                fields[#fields + 1] = ARGV[first + i - 1]; fields[#fields + 1] = stamp
              end
            end
            if #fields > 0 then
              for from = 1, #fields, 1000 do
                redis.call('HSET', current, unpack(fields, from, math.min(from + 999, #fields)))
              end
              redis.call('PEXPIREAT', current, (bucket + 2) * window + 60000)
              redis.call('SET', claim_prefix .. claim, 'pending', 'PX', pending_ttl)
            end
            return out""";

    /**
     * KEYS[1] the claim, KEYS[2] the bucket it wrote; ARGV[1] the window (ms), ARGV[2] 1 when Kafka
     * acknowledged any record of the request, ARGV[3..] the messageIds Kafka gave up on.
     */
    private static final String SETTLE = """
            for from = 3, #ARGV, 1000 do
              redis.call('HDEL', KEYS[2], unpack(ARGV, from, math.min(from + 999, #ARGV)))
            end
            if ARGV[2] == '1' then
              redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
            else
              redis.call('DEL', KEYS[1])
            end
            return 1""";

    /**
     * Claims the messageIds of one request of one source; one Redis round trip for the lot, none when
     * there is nothing to claim.
     *
     * @param messageIds the request's messageIds, {@code null} for one ingest generated (it cannot
     *                   repeat: not claimed, always {@link Claim#NEW})
     */
    public Uni<Claims> claim(String sourceId, List<String> messageIds) {
        int n = messageIds.size();
        int toClaim = 0;
        for (String id : messageIds) {
            if (id != null) {
                toClaim++;
            }
        }
        if (toClaim == 0) {
            Claim[] fresh = new Claim[n];
            Arrays.fill(fresh, Claim.NEW);
            return Uni.createFrom().item(new Claims(null, 0, fresh));
        }
        String claimId = instance + Long.toString(sequence.incrementAndGet(), 36);
        int claimed = toClaim;
        return CLAIM_SCRIPT.run(redis, request -> {
            request.arg(0).arg(claimId).arg(config.dedup().window().toMillis())
                    .arg(config.dedup().pendingTtl().toMillis()).arg(bucketPrefix(sourceId)).arg(claimPrefix(sourceId));
            for (String id : messageIds) {
                if (id != null) {
                    request.arg(id);
                }
            }
        })
                .map(answer -> claims(claimId, messageIds, answer))
                .ifNoItem().after(config.dedup().timeout()).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("dedup unavailable, publishing %d event(s) of source %s unchecked: %s", claimed,
                            sourceId, e.toString());
                    metrics.dedupUnavailable(sourceId, claimed);
                    Claim[] unchecked = new Claim[n];
                    for (int i = 0; i < n; i++) {
                        unchecked[i] = messageIds.get(i) == null ? Claim.NEW : Claim.UNCHECKED;
                    }
                    return new Claims(null, 0, unchecked);
                });
    }

    private static Claims claims(String claimId, List<String> messageIds, Response answer) {
        Claim[] claims = new Claim[messageIds.size()];
        Arrays.fill(claims, Claim.NEW);
        int[] positions = null;
        if (answer.size() > 1) {
            // the script numbers only the messageIds it was sent
            positions = new int[messageIds.size()];
            int sent = 0;
            for (int i = 0; i < messageIds.size(); i++) {
                if (messageIds.get(i) != null) {
                    positions[sent++] = i;
                }
            }
        }
        for (int i = 1; i + 1 < answer.size(); i += 2) {
            int position = positions[answer.get(i).toInteger() - 1];
            claims[position] = answer.get(i + 1).toInteger() == 1 ? Claim.DUPLICATE : Claim.IN_FLIGHT;
        }
        return new Claims(claimId, answer.get(0).toLong(), claims);
    }

    /**
     * Settles a request's claims in one round trip once Kafka settled its records: the claim becomes
     * final for the window when any record was acknowledged, the messageIds of records Kafka gave up
     * on are forgotten (so a retry publishes them), and a claim with nothing acknowledged is deleted.
     */
    public void settle(String sourceId, Claims claims, List<String> failedMessageIds, boolean anyAcknowledged) {
        if (claims.claimId == null) {
            return; // unchecked, or nothing to claim
        }
        Uni<Response> settled = SETTLE_SCRIPT.run(redis, request -> {
            request.arg(2).arg(claimPrefix(sourceId) + claims.claimId).arg(bucketPrefix(sourceId) + claims.bucket)
                    .arg(config.dedup().window().toMillis()).arg(anyAcknowledged ? 1 : 0);
            failedMessageIds.forEach(request::arg);
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

    static String bucketPrefix(String sourceId) {
        return BUCKET_PREFIX + "{" + sourceId + "}:";
    }
}
